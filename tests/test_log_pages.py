"""The call, message and outbox logs show 50 rows a page, newest first, and page on by a
cursor: « Plus anciens » to the next 50, « Plus récents » back to the first page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.base.keyset import Cursor, parse_cursor
from desk.calls.log import CallFilters, search_calls
from desk.messages.log import MessageFilters, search_messages
from desk.models import Call, Message, Outbox, User
from desk.outbox.log import OutboxFilters, search_outbox
from tests.conftest import AuthActions
from tests.helpers.database import prepared
from tests.helpers.html import parse
from tests.helpers.html import text as shown_text
from tests.helpers.web import LOGINS, other_tenant

START = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
ROWS = 120


def _at(i: int) -> datetime:
    # Rows come in threes at the same instant: a page ends inside a tie (rows 48-50).
    return START - timedelta(minutes=i // 3)


# Newest first; within a tie, the row written last (the highest id) first.
NEWEST_FIRST = sorted(range(ROWS), key=lambda i: (i // 3, -i))


def _seed(db: Database, own: int, other: int) -> None:
    """120 rows of each log for the demo client that match the filters the tests use,
    interleaved with rows of another client and rows of the demo that do not match."""
    with db.session() as s:
        for i in range(ROWS):
            at = _at(i)
            for client_id, match in ((own, True), (other, True), (own, False)):
                tag = f"{i}-{client_id}-{int(match)}"
                s.add(
                    Call(
                        call_sid=f"CA-{tag}",
                        client_id=client_id,
                        to_number="+33199001234",
                        caller="+33612345678",
                        started_at=at,
                        outcome="missed" if match else "answered",
                    )
                )
                s.add(
                    Message(
                        client_id=client_id,
                        caller_name=f"Appelant {tag}",
                        urgency="urgent" if match else "normal",
                        body="Rappeler",
                        created_at=at,
                    )
                )
                s.add(
                    Outbox(
                        channel="sms",
                        recipient="+33600000000",
                        body=f"Envoi {tag}",
                        client_id=client_id,
                        state="failed" if match else "sent",
                        created_at=at,
                    )
                )


@pytest.fixture
def logs(db: Database, own: int) -> int:
    """The demo and its 3 × 120 rows, written once per database and copied back."""
    prepared(db, "logs", lambda: _seed(db, own, other_tenant(db)))
    return own


# (page, its filter matching the 120 rows, the pattern of a row's marker: its CallSid or text)
LOGS = [
    ("/desk/calls/", "outcome=missed", r"CA-(\d+)-(\d+)-(\d)"),
    ("/desk/messages/", "urgency=urgent", r"Appelant (\d+)-(\d+)-(\d)"),
    ("/desk/outbox/", "state=failed", r"Envoi (\d+)-(\d+)-(\d)"),
]


def _rows(page: str, marker: str) -> list[tuple[str, ...]]:
    """The marker of each row of the log's table, read from its CallSid or its text."""
    found = []
    for row in parse(page).xpath("//tr[@data-call or @data-message or @data-outbox]"):
        match = re.search(marker, row.get("data-call") or shown_text(row))
        if match:
            found.append(match.groups())
    return found


def _link(page: str, rel: str) -> str | None:
    found: list[str] = parse(page).xpath(f'//a[@rel="{rel}"]/@href')
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(("url", "status", "marker"), LOGS)
def test_a_log_of_120_rows_shows_50_then_50_then_20_keeping_its_filters(
    client: FlaskClient, auth: AuthActions, logs: int, url: str, status: str, marker: str
) -> None:
    auth.login(LOGINS["admin"])
    first = f"{url}?client={logs}&client_q=parc&{status}"
    seen: list[int] = []
    shown_counts = []
    link: str | None = first
    while link is not None:
        response = client.get(link)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        rows = _rows(page, marker)
        assert all(c == str(logs) and m == "1" for _, c, m in rows), "a filter was lost"
        seen += [int(i) for i, _, _ in rows]
        shown_counts.append(len(rows))
        if link != first:
            assert "Plus récents" in page and _link(page, "first") == first
        else:
            assert "Plus récents" not in page
        link = _link(page, "next")
        assert ("Plus anciens" in page) == (link is not None)
        if link is not None:
            assert link.startswith(url) and f"client={logs}" in link
            assert "client_q=parc" in link and status in link
    assert shown_counts == [50, 50, 20]
    assert seen == NEWEST_FIRST  # none twice, none missed


@pytest.mark.parametrize(("url", "status", "marker"), LOGS)
@pytest.mark.parametrize(
    "cursor",
    [
        "n'importe quoi",
        "2026-13-45T00:00:00.000000Z_5",
        "2026-03-02T18:00:00Z_5",  # no microseconds: not a cursor the desk writes
        "2026-03-02T18:00:00.000000Z_0",
        "2026-03-02T18:00:00.000000Z_99999999999",
        "2026-03-02T18:00:00.000000+01:00_5",
        "２０２６-03-02T18:00:00.000000Z_5",
        "2026-03-02T18:00:00.000000Z_5_6",
        "",
    ],
)
def test_a_forged_cursor_shows_the_first_page(
    client: FlaskClient,
    auth: AuthActions,
    logs: int,
    url: str,
    status: str,
    marker: str,
    cursor: str,
) -> None:
    auth.login(LOGINS["admin"])
    name, value = status.split("=")
    response = client.get(url, query_string={"client": logs, name: value, "before": cursor})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert [int(i) for i, _, _ in _rows(page, marker)] == NEWEST_FIRST[:50]
    assert "Plus récents" not in page and "Plus anciens" in page


def test_a_cursor_reads_back_as_written_and_ties_are_broken_by_id() -> None:
    at = datetime(2026, 3, 2, 19, 5, 7, 120, tzinfo=UTC) + timedelta(hours=1)
    cursor = Cursor(at.astimezone(UTC), 42)
    assert str(cursor) == "2026-03-02T20:05:07.000120Z_42"
    assert parse_cursor(str(cursor)) == cursor
    assert parse_cursor("9999-12-31T23:59:59.999999Z_2147483647") is not None
    assert parse_cursor("2026-02-30T00:00:00.000000Z_1") is None


# --- every log page is one index range, on SQLite and PostgreSQL -------------------------


def _user(session: Session, role: str) -> User:
    return session.scalars(select(User).where(User.email == LOGINS[role])).one()


@pytest.fixture
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def _plan(db: Database, statement: str, parameters: Any) -> str:
    with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            # Tiny tables: make the planner say whether an index *can* give the order.
            for setting in ("enable_seqscan", "enable_sort", "enable_incremental_sort"):
                conn.execute(text(f"SET {setting} = off"))
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            return "\n".join(r[0] for r in rows)
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return "\n".join(str(r[-1]) for r in rows)


@pytest.mark.parametrize("table", ["calls", "messages", "outbox"])
@pytest.mark.parametrize(
    ("role", "one_client"), [("admin", False), ("admin", True), ("secretary", True)]
)
def test_each_log_page_is_read_from_an_index_without_sorting(
    db: Database,
    logs: int,
    statements: list[tuple[str, Any]],
    table: str,
    role: str,
    one_client: bool,
) -> None:
    """Every client's log for an admin, one client's for anyone. (A secretary's log of all
    her clients may sort: her few clients' rows, however large the network.)"""
    client_id = logs if one_client else None
    cursor = Cursor(_at(60), 10_000)
    with db.session() as s:
        user = _user(s, role)
        statements.clear()
        if table == "calls":
            search_calls(s, user, CallFilters(client_id=client_id), cursor)
        elif table == "messages":
            search_messages(s, user, MessageFilters(client_id=client_id), cursor)
        else:
            search_outbox(s, user, OutboxFilters(client_id=client_id), cursor)
        statement, parameters = statements[0]
    assert f"FROM {table}" in statement
    plan = _plan(db, statement, parameters)
    assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan
