"""RGPD: the export holds every row about the number and nothing about anyone else; erasing
leaves no personal data in messages, calls, appointments, outbox, SMS received, feeds or
the audit trail, and keeps the counts."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desk.base.db import Database
from desk.models import (
    Appointment,
    AppointmentType,
    AuditEvent,
    Call,
    FeedToken,
    InboundSms,
    Message,
    Outbox,
    Practitioner,
)
from desk.outbox.queue import enqueue
from scheduling.booking import book
from tests.conftest import AuthActions, pin_clock
from tests.helpers.routing import paris
from tests.helpers.web import LOGINS, post

JEANNE = "+33612345678"
OTHER = "+33698765432"
NOW = paris(2027, 3, 30, 9, 0)


def _seed(db: Database, own: int) -> None:
    with db.session() as s:
        practitioner = s.scalars(
            select(Practitioner.id).where(Practitioner.client_id == own)
        ).first()
        kind = s.scalars(select(AppointmentType.id).where(AppointmentType.client_id == own)).first()
        assert practitioner and kind
        for who, name, hour in ((JEANNE, "Jeanne Quenardel", 10), (OTHER, "Paul Autre", 11)):
            call = Call(
                call_sid=f"CA-{hour}",
                client_id=own,
                to_number="+33199001234",
                caller=who,
                started_at=NOW,
            )
            s.add(call)
            s.flush()
            message = Message(
                client_id=own,
                call_id=call.id,
                caller_name=name,
                caller_number=who,
                body=f"{name} rappelle",
            )
            s.add(message)
            s.flush()
            enqueue(
                s,
                channel="sms",
                recipient="+33612000001",
                body=f"Message de {name}",
                kind="message",
                message_id=message.id,
            )
            s.add(
                InboundSms(
                    message_sid=f"SM-{hour}",
                    from_number=who,
                    to_number="+33199001234",
                    body="ANNULER",
                )
            )
            book(
                s,
                client_id=own,
                practitioner_id=practitioner,
                type_id=kind,
                starts_at=paris(2027, 4, 6, hour, 0),
                patient_name=name,
                patient_phone=who,
                now=NOW - timedelta(days=1),
            )


def test_the_export_holds_every_row_about_the_number_and_nothing_else(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    pin_clock(app, NOW)
    _seed(db, own)
    auth.login(LOGINS["admin"])
    page = client.get("/desk/privacy/?q=06 12 34 56 78")
    assert page.status_code == 200
    response = client.get("/desk/privacy/export?q=06 12 34 56 78")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    text = response.get_data(as_text=True)
    assert "Paul Autre" not in text and OTHER not in text
    assert [m["caller_name"] for m in data["messages"]] == ["Jeanne Quenardel"]
    assert [c["caller"] for c in data["calls"]] == [JEANNE]
    assert [a["patient_name"] for a in data["appointments"]] == ["Jeanne Quenardel"]
    assert [s["from_number"] for s in data["inbound_sms"]] == [JEANNE]
    assert data["outbox"] and all(
        "Jeanne" in o["body"] or o["recipient"] == JEANNE for o in data["outbox"]
    )
    bad = client.get("/desk/privacy/?q=ab")
    assert bad.status_code == 400 and 'id="q-error"' in bad.get_data(as_text=True)


def test_erase_leaves_no_personal_data_and_keeps_the_counts(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    pin_clock(app, NOW)
    _seed(db, own)
    with db.session() as s:
        before = {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (Call, Message, Appointment, Outbox, InboundSms)
        }
        token = FeedToken(client_id=own, token="f" * 43, created_at=NOW)
        s.add(token)
    auth.login(LOGINS["admin"])
    client.get("/desk/privacy/?q=Jeanne")
    assert (
        post(client, "/desk/privacy/erase", {"q": "06 12 34 56 78"}).status_code == 400
    )  # unticked
    assert (
        post(client, "/desk/privacy/erase", {"q": "06 12 34 56 78", "confirm": "y"}).status_code
        == 302
    )
    with db.session() as s:
        after = {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (Call, Message, Appointment, Outbox, InboundSms)
        }
        assert after == before
        dump = " ".join(
            str(v)
            for model in (Call, Message, Appointment, Outbox, InboundSms, AuditEvent)
            for row in s.scalars(select(model))
            for v in vars(row).values()
        )
    for trace in ("Jeanne", "Quenardel", JEANNE, "12 34 56 78", "0612345678"):
        i = dump.find(trace)
        assert i < 0, dump[max(0, i - 300) : i + 100]
    assert "Paul Autre" in dump and OTHER in dump  # the other caller is untouched
    feed = client.get(f"/feeds/{'f' * 43}.ics").get_data(as_text=True)
    assert "Jeanne" not in feed and "Quenardel" not in feed
    audit = client.get("/desk/privacy/audit").get_data(as_text=True)
    assert 'data-action="privacy.erase"' in audit
