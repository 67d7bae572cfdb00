"""Pages of a log, newest first, cut by (timestamp, id) rather than by an offset.

A page asks for the rows strictly older than the last row of the page before (its
cursor), so every page costs one index range of `PAGE_SIZE + 1` rows however long the
log is, and a row written meanwhile does not shift the next page. The cursor travels in
a link (`before=2026-03-02T11:05:00.000000Z_42`): anyone may forge it, so it is read
strictly and a malformed one means the first page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from desk.base.parse import int_in_range

PAGE_SIZE = 50  # rows of a log page: the page's weight does not grow with the network

T = TypeVar("T")
R = TypeVar("R")

_CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6})Z_(\d{1,10})", re.ASCII)


@dataclass(frozen=True)
class Cursor:
    """A row's place in a log: its UTC timestamp, then its id (ties broken by id)."""

    at: datetime  # aware
    id: int

    def __str__(self) -> str:
        return f"{self.at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}Z_{self.id}"


def parse_cursor(text: object) -> Cursor | None:
    """`text` as a cursor; None when it is empty, malformed or out of range."""
    found = _CURSOR.fullmatch(str(text or "").strip())
    if found is None:
        return None
    row_id = int_in_range(found[2], low=1)
    try:
        at = datetime.strptime(found[1], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)
    except ValueError:  # 2026-13-45…
        return None
    return Cursor(at, row_id) if row_id is not None else None


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    older: Cursor | None  # where the next (older) page starts; None on the last page
    first: bool  # the newest page (no cursor was given)

    def map(self, convert: Callable[[list[T]], list[R]]) -> Page[R]:
        return Page(convert(self.rows), self.older, self.first)


def _older_than(
    at: InstrumentedAttribute[datetime], row_id: InstrumentedAttribute[int], cursor: Cursor
) -> ColumnElement[bool]:
    # Written out rather than as a row value: `at <= cursor` is a range of the index on
    # (…, at, id) on SQLite and PostgreSQL alike, and the OR only sorts out the ties.
    return and_(at <= cursor.at, or_(at < cursor.at, row_id < cursor.id))


def newest_first(
    session: Session,
    query: Select[Any],
    at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[int],
    before: Cursor | None,
    size: int = PAGE_SIZE,
) -> Page[Any]:
    """One page of `query`'s rows (entities with `at` and `row_id`), newest first, older
    than `before` when given. One more row than shown is read to know if there are older."""
    if before is not None:
        query = query.where(_older_than(at, row_id, before))
    query = query.order_by(at.desc(), row_id.desc()).limit(size + 1)
    rows = list(session.scalars(query))
    older = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        older = Cursor(getattr(last, at.key), getattr(last, row_id.key))
    return Page(rows, older, before is None)
