"""Patients hear about changes: an SMS when the desk moves or cancels their appointment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.models import Appointment, Outbox
from desk.outbox.sms_text import is_gsm7
from scheduling.booking import book
from scheduling.change_notices import cancel_by_desk, move_by_desk
from tests.conftest import AuthActions, pin_clock
from tests.helpers.booking import MONDAY_9, MONDAY_930, NOW, ids
from tests.helpers.web import LOGINS, post

BASE = "https://desk.example.test"


def _book(db: Database, phone: str = "+33612345678") -> int:
    with db.session() as s:
        return book(
            s, **ids(db), starts_at=MONDAY_9, patient_name="Hélène Dupré",
            patient_phone=phone, now=NOW,
        ).id  # fmt: skip


def _notices(db: Database, appt_id: int) -> list[Outbox]:
    with db.session() as s:
        return list(
            s.scalars(
                select(Outbox)
                .where(Outbox.appointment_id == appt_id, Outbox.kind.in_(("moved", "cancelled")))
                .order_by(Outbox.id)
            )
        )


def test_claire_moves_then_cancels_and_the_patient_gets_two_sms(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOW)
    appt_id = _book(db)
    auth.login(LOGINS["secretary"])
    moved = post(
        client,
        f"/desk/book/{appt_id}/reschedule?week=2026-03-09",
        {"starts_at": MONDAY_930.isoformat()},
    )
    assert moved.status_code == 302
    refused = post(client, f"/desk/book/{appt_id}/cancel", {"reason": ""})
    assert refused.status_code == 400  # a reason is asked for
    assert post(client, f"/desk/book/{appt_id}/cancel", {"reason": "malade"}).status_code == 302
    move, cancel = _notices(db, appt_id)
    assert move.recipient == cancel.recipient == "+33612345678"
    assert "déplacé au lundi 9 mars à 9h30" in move.body and "/c/" in move.body
    assert "annulé" in cancel.body and "01 45 00 00 00" in cancel.body
    assert is_gsm7(move.body) and is_gsm7(cancel.body)
    with db.session() as s:
        appt = s.get(Appointment, appt_id)
        assert appt is not None and appt.status == "cancelled"


def test_cancelling_twice_sends_one_sms_and_a_landline_gets_none(demo: str, db: Database) -> None:
    appt_id = _book(db)
    landline = _book_other(db)
    with db.session() as s:
        for _ in range(2):
            cancel_by_desk(s, appt_id, now=NOW, actor="test", reason="x")
        cancel_by_desk(s, landline, now=NOW, actor="test", reason="x")
    assert len(_notices(db, appt_id)) == 1
    assert _notices(db, landline) == []


def _book_other(db: Database) -> int:
    with db.session() as s:
        return book(
            s, **ids(db), starts_at=MONDAY_9 + timedelta(hours=2), patient_name="Fixe",
            patient_phone="+33145000001", now=NOW,
        ).id  # fmt: skip


def test_a_change_made_at_night_waits_for_the_morning(demo: str, db: Database) -> None:
    appt_id = _book(db)
    night = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    with db.session() as s:
        move_by_desk(
            s, appt_id, starts_at=MONDAY_930, now=night, actor="test", public_base_url=BASE
        )
    (notice,) = _notices(db, appt_id)
    assert notice.next_attempt_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 Paris
