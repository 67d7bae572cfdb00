"""The call in front of her: which call is live, and the fiche with who is calling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from desk.base.db import Database
from desk.calls.live import accepted_call
from desk.models import Call
from scheduling.booking import book
from tests.conftest import AuthActions, pin_clock
from tests.helpers.booking import ids
from tests.helpers.web import LOGINS, demo_call, secretary_id

AT = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)


def test_a_hung_up_second_call_does_not_bring_back_the_first(demo: str, db: Database) -> None:
    first = demo_call(db, sid="CA-1", at=AT, accepted_by="Claire")
    second = demo_call(db, sid="CA-2", at=AT + timedelta(minutes=3), accepted_by="Claire")
    with db.session() as s:
        claire = secretary_id(s, "Claire")
        live = accepted_call(s, claire, AT + timedelta(minutes=4))
        assert live is not None and live.call_id == second
        call = s.get(Call, second)
        assert call is not None
        call.ended_at = AT + timedelta(minutes=5)
        s.flush()
        # The first call's end was never reported: still, no fiche falls back to it.
        assert accepted_call(s, claire, AT + timedelta(minutes=6)) is None
        assert s.get(Call, first) is not None


def test_the_fiche_names_a_known_caller_with_appointments_and_past_calls(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, AT)
    with db.session() as s:
        book(s, **ids(db), starts_at=datetime(2026, 3, 9, 8, tzinfo=UTC),
             patient_name="Hélène Dupré", patient_phone="+33612345678", now=AT)  # fmt: skip
    demo_call(db, sid="CA-old", at=AT - timedelta(days=3))
    call_id = demo_call(db, sid="CA-now", at=AT, accepted_by="Claire")
    auth.login(LOGINS["secretary"])
    fiche = client.get(f"/desk/live/{call_id}").get_data(as_text=True)
    assert "06 12 34 56 78" in fiche
    assert "Hélène Dupré" in fiche
    assert "09/03/2026 09:00" in fiche
    assert "27/02 12:30" in fiche  # the call three days before
    assert "Prendre un message" in fiche
    auth.logout()
    auth.login("sophie@permanence.test")
    assert client.get(f"/desk/live/{call_id}").status_code == 404  # not her call
