"""A month of calls for the demo desk, handled by Claire and by Inès (billing tests)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.models import Call, Client, Contract, Secretary

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=PARIS)
# October 2026: Claire takes 15 lunch calls of 90 s, then Inès 10 of 150 s, two on Saturdays.
CLAIRE_DAYS = (1, 2, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 19, 20, 21)
INES_DAYS = (22, 22, 23, 24, 26, 27, 28, 29, 30, 31)
SATURDAYS = (24, 31)


def secretary(session: Session, name: str) -> Secretary:
    found = session.scalar(select(Secretary).where(Secretary.name == name))
    assert found is not None
    return found


def demo_client(session: Session) -> Client:
    found = session.scalar(select(Client).where(Client.slug == "cabinet-du-parc"))
    assert found is not None
    # The demo's contract starts on January 1st of the year it was loaded; pin it.
    session.execute(
        update(Contract).where(Contract.client_id == found.id).values(valid_from=date(2026, 1, 1))
    )
    return found


def answered(session: Session, client: Client, who: Secretary, at: datetime, seconds: int) -> Call:
    call = Call(
        call_sid=f"CA{uuid.uuid4().hex}",
        client_id=client.id,
        to_number="+33199001234",
        caller="+33611223344",
        started_at=at,
        answered_at=at,
        ended_at=at,
        duration_seconds=seconds,
        outcome="answered",
        handled_by_id=who.id,
    )
    session.add(call)
    return call


def october_of_calls(session: Session) -> Client:
    client = demo_client(session)
    claire, ines = secretary(session, "Claire"), secretary(session, "Inès")
    for day in CLAIRE_DAYS:
        answered(session, client, claire, datetime(2026, 10, day, 12, 30, tzinfo=PARIS), 90)
    for index, day in enumerate(INES_DAYS):
        hour = 10 if day in SATURDAYS else 12
        at = datetime(2026, 10, day, hour, 30 + index % 2, tzinfo=PARIS)
        answered(session, client, ines, at, 150)
    session.flush()
    return client
