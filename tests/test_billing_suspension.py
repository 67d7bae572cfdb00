"""The admin suspends a bad payer's coverage: callers then get the after-hours path."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.billing.collection import decide_coverage
from desk.calls import new_call
from desk.calls.decisions import AFTER_HOURS
from desk.models import CoverageDecision
from tests.conftest import AuthActions, demo_id
from tests.helpers.database import seeded_network
from tests.helpers.html import has_class, parse

# A Tuesday at 12:30 in Paris: inside the demo's lunch window.
COVERED = datetime(2026, 11, 24, 12, 30, tzinfo=ZoneInfo("Europe/Paris"))


def _call(db: Database, sid: str) -> str:
    with db.session() as session:
        arrival = new_call.look_up(
            session, call_sid=sid, to="+33199001234", caller="+33611223344",
            forwarded_from=None, at=COVERED,
        )  # fmt: skip
        decision = new_call.start_call(session, arrival)
        return decision.action


def test_a_suspended_client_gets_after_hours_until_resumed(demo: str, db: Database) -> None:
    assert _call(db, "CA-before") == "dial"
    with db.session() as session:
        client_id = demo_id(session)
        with pytest.raises(DomainError):  # no confirmation, nothing happens
            decide_coverage(session, client_id, "suspend", "unpaid", None, confirmed=False)
        with pytest.raises(DomainError):  # no reason either
            decide_coverage(session, client_id, "suspend", " ", None, confirmed=True)
        decide_coverage(session, client_id, "suspend", "F2026-0001 unpaid", None, confirmed=True)
    assert _call(db, "CA-suspended") == AFTER_HOURS
    with db.session() as session:
        decide_coverage(session, client_id, "resume", "paid", None, confirmed=True)
        assert len(session.scalars(select(CoverageDecision)).all()) == 2
    assert _call(db, "CA-after") == "dial"


def _coverage_rows(page: str) -> list[str]:
    """The clients of the coverage tables, bad payers' first, then the others."""
    tables = parse(page).xpath(f"//table[{has_class('coverage')}]")
    rows = [row for table in tables for row in table.xpath(".//tr[@data-client]")]
    return [row.get("data-client") for row in rows]


def test_the_coverage_table_lists_the_clients_waiting_for_a_decision(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    network = seeded_network(db, 60, calls_per_client=1, appointments_per_client=1)
    assert AuthActions(client).login(*network.admin).status_code == 302
    page = client.get("/desk/billing/").get_data(as_text=True)
    assert len(_coverage_rows(page)) == 50 and "50 affichés sur 60." in page  # no quote yet
    with db.session() as session:  # every client but the last started with a reason
        for client_id in range(1, 60):
            session.add(CoverageDecision(client_id=client_id, action="override", reason="test"))
    assert _coverage_rows(client.get("/desk/billing/").get_data(as_text=True)) == ["60"]
    with db.session() as session:
        decide_coverage(session, 7, "suspend", "F2026-0007 impayée", None, confirmed=True)
    assert _coverage_rows(client.get("/desk/billing/").get_data(as_text=True)) == ["7", "60"]
    found = client.get("/desk/billing/?client_q=cabinet 0012").get_data(as_text=True)
    assert _coverage_rows(found) == ["12"]  # any client, by its name
