"""The admin suspends a bad payer's coverage: callers then get the after-hours path."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.billing.collection import decide_coverage
from desk.calls import routing
from desk.models import CoverageDecision
from tests.conftest import demo_id

# A Tuesday at 12:30 in Paris: inside the demo's lunch window.
COVERED = datetime(2026, 11, 24, 12, 30, tzinfo=ZoneInfo("Europe/Paris"))


def _call(db: Database, sid: str) -> str:
    with db.session() as session:
        decision = routing.start_call(
            session, call_sid=sid, to="+33199001234", caller="+33611223344",
            forwarded_from=None, at=COVERED,
        )  # fmt: skip
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
    assert _call(db, "CA-suspended") == routing.AFTER_HOURS
    with db.session() as session:
        decide_coverage(session, client_id, "resume", "paid", None, confirmed=True)
        assert len(session.scalars(select(CoverageDecision)).all()) == 2
    assert _call(db, "CA-after") == "dial"
