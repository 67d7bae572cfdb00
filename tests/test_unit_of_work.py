"""One unit of work: whoever starts it owns it; starting one never commits another's work.

`begin_immediate` (every writer that reads first: webhooks, booking, the outbox claim)
treats an open transaction the same way on SQLite and PostgreSQL: work in it is kept
for its owner to commit or roll back.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desk.base.db import Database, begin_immediate
from desk.models import Client

BEGINS = [begin_immediate]


def clients(db: Database) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(Client.name).order_by(Client.id)))


@pytest.mark.parametrize("begin", BEGINS)
def test_pending_changes_stay_in_their_owners_unit_and_are_never_committed_for_it(
    db: Database, begin: Callable[[Session], None]
) -> None:
    with db.Session() as session:
        session.add(Client(slug="a", name="Cabinet A"))
        begin(session)
        session.add(Client(slug="b", name="Cabinet B"))
        session.flush()
        assert clients(db) == []  # another connection sees nothing yet
        session.rollback()  # the owner changes its mind: both go
    assert clients(db) == []


@pytest.mark.parametrize("begin", BEGINS)
def test_a_core_write_keeps_its_unit_going(db: Database, begin: Callable[[Session], None]) -> None:
    with db.session() as s:
        s.add(Client(slug="a", name="Cabinet A"))
    with db.Session() as session:
        session.connection().execute(update(Client).values(name="Renamed"))
        begin(session)
        session.add(Client(slug="b", name="Cabinet B"))
        session.commit()
    assert clients(db) == ["Renamed", "Cabinet B"]


def test_a_transaction_that_only_read_makes_way(db: Database) -> None:
    with db.Session() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 0
        with db.session() as other:  # another worker commits meanwhile
            other.add(Client(slug="a", name="Cabinet A"))
        begin_immediate(session)  # a fresh transaction: it sees that commit
        assert session.scalar(select(func.count()).select_from(Client)) == 1
        session.add(Client(slug="b", name="Cabinet B"))
        session.commit()
    assert clients(db) == ["Cabinet A", "Cabinet B"]


def test_a_unit_begun_for_writing_goes_on_when_asked_again(db: Database) -> None:
    """The owner (a view, a command) begins it; a domain function asking again joins it."""
    with db.Session() as session:
        begin_immediate(session)
        session.add(Client(slug="a", name="Cabinet A"))
        session.flush()
        begin_immediate(session)  # booking, inside the demo's unit
        session.add(Client(slug="b", name="Cabinet B"))
        session.commit()
    assert clients(db) == ["Cabinet A", "Cabinet B"]


def test_the_database_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(ValueError), db.session() as session:
        session.add(Client(slug="a", name="Cabinet A"))
        session.flush()
        raise ValueError("boom")
    assert clients(db) == []
    with db.session() as s:
        s.add(Client(slug="b", name="Cabinet B"))
    assert clients(db) == ["Cabinet B"]
