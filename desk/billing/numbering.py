"""Document numbers without gaps: one counter row per series and year, taken under a lock.

PostgreSQL: the counter row is locked `FOR UPDATE`, so a second `issue` waits for the
first to commit and then reads its number. SQLite: the caller holds the database's write
lock (`begin_immediate`). Either way the number is taken in the transaction that writes
the document: a rollback gives the number back, so none is ever skipped.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from desk.models import InvoiceCounter

INVOICE_SERIES = "F"
QUOTE_SERIES = "D"


def lock_counter(session: Session, series: str, year: int) -> InvoiceCounter:
    """The counter row, locked until the transaction ends (made if it is the year's first)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            pg_insert(InvoiceCounter)
            .values(series=series, year=year, last_number=0)
            .on_conflict_do_nothing()
        )
    elif session.get(InvoiceCounter, (series, year)) is None:
        session.add(InvoiceCounter(series=series, year=year, last_number=0))
        session.flush()
    counter = session.scalars(
        select(InvoiceCounter)
        .where(InvoiceCounter.series == series, InvoiceCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return counter


def take_number(counter: InvoiceCounter, session: Session) -> str:
    """'F2026-0001', then 'F2026-0002', … from a counter locked by `lock_counter`."""
    counter.last_number += 1
    session.flush()
    return f"{counter.series}{counter.year}-{counter.last_number:04d}"


def next_number(session: Session, series: str, year: int) -> str:
    return take_number(lock_counter(session, series, year), session)
