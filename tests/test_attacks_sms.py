"""Attack (issue 26): a patient's SMS to practice B must never land in practice A's log
because A once texted that phone; a sender nobody owns waits in the desk's inbox."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.models import Client, Contact, DeskNumber, InboundSms, Message
from desk.outbox.queue import enqueue
from tests.conftest import AuthActions
from tests.helpers.attacks import attribute_values, flashes
from tests.helpers.messages import make_client
from tests.helpers.twilio import fixture, signed_post
from tests.helpers.web import LOGINS, csrf_token, post

PATIENT = "+33677000001"
A_NUMBER, B_NUMBER, DESK_SENDER = "+33199001111", "+33199002222", "+33199009999"


def _practices(db: Database) -> tuple[int, int]:
    with db.session() as session:
        a, b = make_client(session, contacts=[]), make_client(session, contacts=[])
        session.add_all(
            [
                DeskNumber(client_id=a.id, number=A_NUMBER),
                DeskNumber(client_id=b.id, number=B_NUMBER),
            ]
        )
        # A confirmed a booking to the patient by SMS: the old rule's "last client texted".
        enqueue(
            session, channel="sms", recipient=PATIENT, body="RDV confirmé", kind="booking",
            client_id=a.id,
        )  # fmt: skip
        return a.id, b.id


def _text(client: FlaskClient, to: str, sid: str, sender: str = PATIENT) -> int:
    form = fixture("sms-incoming", To=to, From=sender, MessageSid=sid, Body="Je serai en retard")
    return int(signed_post(client, "/webhooks/sms/incoming", form).status_code)


def _owners(db: Database) -> tuple[list[int | None], list[int]]:
    with db.session() as session:
        stored = list(session.scalars(select(InboundSms.client_id).order_by(InboundSms.id)))
        logged = list(session.scalars(select(Message.client_id).order_by(Message.id)))
    return stored, logged


def test_an_sms_to_practice_b_is_bs_even_when_a_texted_the_patient_last(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    a, b = _practices(db)
    assert _text(client, B_NUMBER, "SM" + "1" * 32) == 200
    assert _owners(db) == ([b], [b])
    assert _text(client, A_NUMBER, "SM" + "2" * 32) == 200
    assert _owners(db) == ([b, a], [b, a])


def test_an_sms_to_the_desks_own_sender_from_a_stranger_waits_in_the_inbox(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _practices(db)
    assert _text(client, DESK_SENDER, "SM" + "3" * 32) == 200
    assert _owners(db) == ([None], [])


def test_a_contact_of_two_practices_writing_to_the_desks_sender_is_not_guessed(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    a, b = _practices(db)
    with db.session() as session:
        session.add(Contact(client_id=a, name="Dr Roux", phone=PATIENT))
    assert _text(client, DESK_SENDER, "SM" + "4" * 32) == 200
    assert _owners(db) == ([a], [a])  # one practice's contact: that practice
    with db.session() as session:
        session.add(Contact(client_id=b, name="Dr Roux", phone=PATIENT))
    assert _text(client, DESK_SENDER, "SM" + "5" * 32) == 200
    assert _owners(db) == ([a, None], [a])  # two practices' contact: the inbox decides
    with db.session() as session:
        assert session.scalar(select(Client.id).where(Client.id == b)) == b


def test_a_secretary_assigns_an_inbox_sms_to_its_client_once(
    db: Database, app: Flask, client: FlaskClient, demo: str
) -> None:
    with db.session() as session:
        parc = session.scalar(select(Client.id).where(Client.slug == "cabinet-du-parc"))
        other = make_client(session, contacts=[]).id  # Claire is not trained for it
    assert _text(client, DESK_SENDER, "SM" + "6" * 32) == 200
    AuthActions(client).login(LOGINS["secretary"])
    page = client.get("/desk/sms/inbox")
    assert page.status_code == 200
    [sms_id] = attribute_values(page.text, "data-sms")
    path = f"/desk/sms/inbox/{sms_id}/assign"
    assert post(client, path, {"client": str(other)}).status_code in (302, 404)
    assert _owners(db) == ([None], [])  # not hers to give
    done = post(client, path, {"client": str(parc)})
    assert done.status_code == 302
    again = client.post(
        path, data={"client": str(parc), "csrf_token": csrf_token(client)}, follow_redirects=True
    )
    assert flashes(again.text)[-1] == "Ce SMS a déjà été attribué à un client."
    assert _owners(db) == ([parc], [parc])
    assert attribute_values(client.get("/desk/sms/inbox").text, "data-sms") == []
