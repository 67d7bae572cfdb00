from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.clock import system_now
from desk.base.config import Settings
from desk.base.db import Database
from desk.demo import load_demo
from desk.models import Base, Client, Secretary, Shift, User


def _counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.scalar(select(func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
    }


def test_demo_twice_gives_the_same_rows(db: Database, settings: Settings) -> None:
    with db.session() as s:
        first_output = load_demo(s, settings, system_now())
    with db.session() as s:
        first = _counts(s)
    with db.session() as s:
        second_output = load_demo(s, settings, system_now())
    with db.session() as s:
        assert _counts(s) == first
    assert first_output == second_output


def test_demo_desk_is_the_dental_practice_with_its_pair(demo: str, session: Session) -> None:
    client = session.scalar(select(Client).where(Client.slug == "cabinet-du-parc"))
    assert client is not None and client.name == "Cabinet dentaire du Parc"
    assert [n.number for n in client.desk_numbers] == ["+33199001234"]
    phones = {s.name: s.phone for s in session.scalars(select(Secretary))}
    assert phones == {"Claire": "+33612000001", "Sophie": "+33612000002", "Inès": "+33612000003"}
    assert session.scalar(select(func.count()).select_from(Shift)) == 6
    assert session.scalar(select(User).where(User.role == "admin")) is not None
    assert "/feeds/" in demo and "admin@permanence.test" in demo
