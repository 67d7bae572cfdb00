"""Search is blind to accents and case: "helene" finds Hélène (patients, messages, calls)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from desk.base.db import Database
from desk.base.search import fold
from desk.models import Message
from scheduling.booking import book
from tests.conftest import AuthActions, pin_clock
from tests.helpers.booking import MONDAY_9, NOW, ids
from tests.helpers.web import LOGINS, demo_call, demo_id

AT = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)


def test_fold_drops_accents_case_and_extra_spaces() -> None:
    assert fold("  Hélène   DUPRÉ-Œillet ") == "helene dupre-oeillet"


def test_helene_is_found_typed_without_accents_in_patients_messages_and_calls(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    call_id = demo_call(db, sid="CA-helene", at=AT, caller="+33698765432")
    with db.session() as s:
        book(s, **ids(db), starts_at=MONDAY_9, patient_name="Hélène Dupré",
             patient_phone="+33612345678", now=NOW)  # fmt: skip
        s.add(Message(client_id=demo_id(s), call_id=call_id, caller_name="Hélène Dupré",
                      reason="Rappeler", created_at=AT))  # fmt: skip
        s.add(Message(client_id=demo_id(s), caller_name="Paul", reason="Devis", created_at=AT))
    auth.login(LOGINS["secretary"])
    for typed in ("helene", "HELENE dupre", "Hélène"):
        patients = client.get(f"/desk/book/find?q={typed}").get_data(as_text=True)
        assert "Hélène Dupré" in patients, typed
        messages = client.get(f"/desk/messages/?q={typed}").get_data(as_text=True)
        assert "Hélène Dupré" in messages and "Devis" not in messages, typed
        calls = client.get(f"/desk/calls/?q={typed}").get_data(as_text=True)
        assert "06 98 76 54 32" in calls, typed
    calls = client.get("/desk/calls/?q=paul").get_data(as_text=True)
    assert "06 98 76 54 32" not in calls
