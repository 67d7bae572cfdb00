"""Taking a message, voicemails and missed calls: what gets written to the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import NotFound
from desk.messages.intake import InvalidMessage, notify_missed_call, record_voicemail, take_message
from desk.messages.notify import delivery_states
from desk.models import Message, Outbox
from tests.helpers.messages import TUESDAY_NOON, make_call, make_client, make_secretary


def outbox(session: Session) -> list[Outbox]:
    return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def test_a_message_taken_for_an_immediate_client_goes_by_sms_and_email_at_once(
    session: Session,
) -> None:
    client = make_client(session)
    message = take_message(
        session,
        client_id=client.id,
        caller_name="Mme Durand",
        caller_number="06 11 22 33 44",
        reason="Douleur",
        body="Souhaite être rappelée avant 16h",
        now=TUESDAY_NOON,
    )
    session.commit()
    assert message.caller_number == "+33611223344"
    rows = outbox(session)
    assert [(r.channel, r.recipient, r.state) for r in rows] == [
        ("sms", "+33612000009", "pending"),
        ("email", "accueil@parc.test", "pending"),
    ]
    assert "Mme Durand 06 11 22 33 44" in rows[0].body
    assert "12:30" in rows[0].body  # Paris time, not UTC
    assert [r.id for r in delivery_states(session, message.id)] == [r.id for r in rows]


def test_a_normal_message_for_a_digest_client_waits_for_the_digest(session: Session) -> None:
    client = make_client(session, delivery="digest")
    take_message(session, client_id=client.id, body="Rappeler pour un devis", now=TUESDAY_NOON)
    assert outbox(session) == []


def test_an_urgent_message_goes_at_once_even_for_a_digest_client(session: Session) -> None:
    client = make_client(session, delivery="digest")
    take_message(
        session, client_id=client.id, body="Saignement", urgency="urgent", now=TUESDAY_NOON
    )
    rows = outbox(session)
    assert {r.channel for r in rows} == {"sms", "email"}
    assert rows[0].body.startswith("URGENT")


def test_an_urgent_only_contact_hears_only_of_urgent_messages(session: Session) -> None:
    client = make_client(
        session,
        contacts=[
            {"name": "Dr", "phone": "+33612000010", "receives_email": False, "urgent_only": True},
            {"name": "Accueil", "phone": "+33612000009", "receives_email": False},
        ],
    )
    take_message(session, client_id=client.id, body="Devis", now=TUESDAY_NOON)
    assert [r.recipient for r in outbox(session)] == ["+33612000009"]
    take_message(session, client_id=client.id, body="Urgent", urgency="urgent", now=TUESDAY_NOON)
    assert sorted(r.recipient for r in outbox(session)[1:]) == ["+33612000009", "+33612000010"]


def test_every_fault_of_a_message_is_reported_by_field(session: Session) -> None:
    client = make_client(session)
    with pytest.raises(InvalidMessage) as caught:
        take_message(
            session,
            client_id=client.id,
            body="   ",
            caller_number="12",
            urgency="très",
            reason="x" * 201,
            now=TUESDAY_NOON,
        )
    assert set(caught.value.errors) == {"body", "caller_number", "urgency", "reason"}
    assert caught.value.errors["body"].code == "message_empty"
    assert "empty" in caught.value.errors["body"].message
    assert session.scalars(select(Message)).all() == []


def test_a_message_for_an_unknown_client_is_refused(session: Session) -> None:
    with pytest.raises(NotFound):
        take_message(session, client_id=999, body="x", now=TUESDAY_NOON)


def test_a_voicemail_notifies_the_secretary_on_duty_and_the_client_once(session: Session) -> None:
    client = make_client(session)
    alice = make_secretary(session)
    call = make_call(session, client, plan=[alice.id])
    first = record_voicemail(
        session, call, recording_url="https://api.twilio.com/RE1", duration_seconds=42
    )
    again = record_voicemail(
        session,
        call,
        recording_url="https://api.twilio.com/RE1",
        duration_seconds=42,
        transcription="Bonjour, c'est Mme Durand",
    )
    session.commit()
    assert again.id == first.id and first.transcription == "Bonjour, c'est Mme Durand"
    rows = outbox(session)
    assert [(r.kind, r.recipient) for r in rows] == [
        ("voicemail-summary", "+33612000001"),
        ("message", "+33612000009"),
        ("message", "accueil@parc.test"),
    ]
    assert "Message vocal pour Cabinet du Parc de 06 11 22 33 44 (42 s)" in rows[0].body


def test_the_secretary_who_handled_the_call_gets_the_summary_rather_than_the_plan(
    session: Session,
) -> None:
    client = make_client(session, contacts=[])
    alice = make_secretary(session)
    bea = make_secretary(session, phone="+33612000002", name="Béa")
    call = make_call(session, client, plan=[alice.id, bea.id])
    call.handled_by_id = bea.id
    record_voicemail(session, call, recording_url="u", duration_seconds=5)
    assert [r.recipient for r in outbox(session)] == ["+33612000002"]


def test_a_missed_call_tells_the_secretary_once_however_often_it_is_reported(
    session: Session,
) -> None:
    client = make_client(session)
    alice = make_secretary(session)
    call = make_call(session, client, plan=[alice.id], caller="anonymous")
    notify_missed_call(session, call)
    notify_missed_call(session, call)
    session.commit()
    rows = outbox(session)
    assert len(rows) == 1
    assert rows[0].kind == "missed-call" and rows[0].recipient == "+33612000001"
    assert "numéro masqué" in rows[0].body
