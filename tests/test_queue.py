"""Callers held when nobody eligible is free: Twilio's <Enqueue>, their position, keys 1
and 2, the maximum wait, and the offer to whoever frees up (TwiML parsed)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.config import Settings, load_settings
from desk.base.db import Database, begin_immediate
from desk.calls import presence, queue
from desk.jobs import JobContext
from desk.jobs.queue import dispatch
from desk.models import Call, Callback, Client, DeskNumber, Presence, Training, WaitingCall
from desk.models.states import PresenceState, WaitingState
from tests.conftest import pin_clock, test_overrides
from tests.helpers.local_servers import TwilioApiServer, twilio_overrides
from tests.helpers.routing import (
    CLAIRE,
    INES,
    SOPHIE,
    VOICE,
    demo_client,
    dialled,
    paris,
    secretary,
    tags,
    twiml,
)
from tests.helpers.twilio import fixture, signed_post
from tests.helpers.voice_steps import dial_result, incoming, leg_status, press, screen

LUNCH = paris(2027, 3, 30, 12, 41)
BUSY = [f"CA{n:032x}" for n in (0xC1, 0xC2, 0xC3)]
HELD = "CA" + "d" * 32


@pytest.fixture
def everyone_busy(app: Flask, client: FlaskClient, demo: str) -> datetime:
    """Claire, Sophie and Inès each rung for a caller of the lunch rush."""
    pin_clock(app, LUNCH)
    for sid, number in zip(BUSY, [CLAIRE, SOPHIE, INES], strict=True):
        assert dialled(twiml(incoming(client, sid))) == [number]
    return LUNCH


def wait_turn(client: FlaskClient, sid: str, queue_time: int) -> object:
    form = fixture("voice-enqueue-wait", CallSid=sid, QueueTime=str(queue_time))
    return twiml(signed_post(client, "/webhooks/voice/queue-wait", form))


def queue_key(client: FlaskClient, sid: str, digits: str) -> object:
    form = fixture("voice-enqueue-wait", CallSid=sid, Digits=digits)
    return twiml(signed_post(client, "/webhooks/voice/queue-key", form))


def queue_result(client: FlaskClient, sid: str, result: str) -> object:
    form = fixture("voice-enqueue-action-hangup", CallSid=sid, QueueResult=result)
    return twiml(signed_post(client, "/webhooks/voice/queue-result", form))


def waiting(session: Session, sid: str) -> WaitingCall:
    session.rollback()
    found = session.scalar(
        select(WaitingCall).join(Call, Call.id == WaitingCall.call_id).where(Call.call_sid == sid)
    )
    assert found is not None
    session.refresh(found)
    return found


def test_with_everyone_busy_the_caller_hears_the_greeting_and_is_held(
    client: FlaskClient, everyone_busy: datetime, session: Session
) -> None:
    root = twiml(incoming(client, HELD))
    assert tags(root) == ["Say", "Say", "Enqueue"]
    assert root[0].text == "Cabinet dentaire du Parc, bonjour. Nous vous mettons en relation."
    assert root[1].text == (
        "Toutes nos secrétaires sont en ligne. Merci de patienter, nous allons vous répondre."
    )
    enqueue = root[2]
    assert enqueue.text == f"client-{demo_client(session).id}"
    assert enqueue.attrib == {
        "waitUrl": f"{VOICE}/queue-wait",
        "waitUrlMethod": "POST",
        "action": f"{VOICE}/queue-result",
        "method": "POST",
    }
    assert waiting(session, HELD).state == WaitingState.WAITING
    # A repeated delivery of `incoming` holds her again, once.
    assert tags(twiml(incoming(client, HELD))) == ["Say", "Say", "Enqueue"]


def test_a_held_caller_hears_her_position_and_the_keys_then_music(
    client: FlaskClient, app: Flask, everyone_busy: datetime, session: Session
) -> None:
    incoming(client, HELD)
    pin_clock(app, LUNCH + timedelta(seconds=5))
    incoming(client, "CA" + "e" * 32)
    root = wait_turn(client, "CA" + "e" * 32, 0)
    (gather,) = root
    assert gather.tag == "Gather"
    assert gather.attrib == {"action": f"{VOICE}/queue-key", "numDigits": "1", "timeout": "1"}
    say, pause = gather
    assert say.text == (
        "Vous êtes en position 2. "
        "Appuyez sur 1 pour laisser un message, ou sur 2 pour être rappelé."
    )
    assert (pause.tag, pause.attrib) == ("Pause", {"length": "45"})
    # Near her maximum wait, the pause ends with it.
    (gather,) = wait_turn(client, HELD, 170)
    assert gather[0].text is not None and "position 1." in gather[0].text
    assert gather[1].attrib == {"length": "10"}


def test_past_the_maximum_wait_she_leaves_for_voicemail(
    client: FlaskClient, everyone_busy: datetime, session: Session
) -> None:
    incoming(client, HELD)
    assert tags(wait_turn(client, HELD, 180)) == ["Leave"]
    root = queue_result(client, HELD, "leave")
    assert tags(root) == ["Say", "Record"]
    assert root[1].attrib["action"] == f"{VOICE}/voicemail"
    assert waiting(session, HELD).state == WaitingState.MESSAGE


def test_key_1_leaves_a_message(
    client: FlaskClient, everyone_busy: datetime, session: Session
) -> None:
    incoming(client, HELD)
    assert tags(queue_key(client, HELD, "1")) == ["Leave"]
    assert tags(queue_result(client, HELD, "leave")) == ["Say", "Record"]
    assert waiting(session, HELD).state == WaitingState.MESSAGE


def test_key_2_asks_to_be_called_back_with_her_number(
    client: FlaskClient, everyone_busy: datetime, session: Session
) -> None:
    incoming(client, HELD)
    assert list(queue_key(client, HELD, "7")) == []  # not a key of ours: hold on
    assert tags(queue_key(client, HELD, "2")) == ["Leave"]
    root = queue_result(client, HELD, "leave")
    assert tags(root) == ["Say", "Hangup"]
    assert root[0].text == "Merci, une secrétaire vous rappellera dès que possible. Au revoir."
    assert waiting(session, HELD).state == WaitingState.CALLBACK
    (callback,) = session.scalars(select(Callback)).all()
    assert (callback.number, callback.done_at) == ("+33145678901", None)


def test_hanging_up_while_held_is_abandoned(
    client: FlaskClient, everyone_busy: datetime, session: Session
) -> None:
    incoming(client, HELD)
    assert list(queue_result(client, HELD, "hangup")) == []
    assert waiting(session, HELD).state == WaitingState.ABANDONED


@pytest.fixture
def twilio_api() -> Iterator[TwilioApiServer]:
    with TwilioApiServer() as api:
        yield api


def twilio_settings(db: Database, tmp_path: Path, api: TwilioApiServer) -> Settings:
    return load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "no-config.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance", **twilio_overrides(api)),
    )


def test_a_freed_secretary_is_offered_the_held_caller_who_goes_back_to_the_head(
    client: FlaskClient,
    app: Flask,
    everyone_busy: datetime,
    session: Session,
    db: Database,
    tmp_path: Path,
    twilio_api: TwilioApiServer,
) -> None:
    incoming(client, HELD)
    # Claire's caller hung up before she pressed 1: she is free again.
    screen(client, BUSY[0], CLAIRE)
    press(client, BUSY[0], CLAIRE, "")
    leg_status(client, BUSY[0], CLAIRE, "completed", 1)
    settings = twilio_settings(db, tmp_path, twilio_api)
    at = LUNCH + timedelta(seconds=30)
    context = JobContext(settings=settings, db=db, node="test", clock=lambda: at)
    assert dispatch(context) == {"offered": 1, "failed": 0}
    (redirect,) = twilio_api.requests
    assert redirect.path.endswith(f"/Calls/{HELD}.json")
    assert redirect.form["Url"].startswith(f"{VOICE}/queue-offer?attempt=")
    assert waiting(session, HELD).state == WaitingState.OFFERED
    # Twilio follows the redirect: the caller's call rings Claire, screened as ever.
    offer = signed_post(
        client,
        redirect.form["Url"].removeprefix("https://desk.example.test"),
        fixture("voice-queue-dequeued", CallSid=HELD),
    )
    root = twiml(offer)
    assert dialled(root) == [CLAIRE]
    step = root[0].attrib["action"].rsplit("=", 1)[-1]
    assert dispatch(context)["offered"] == 0  # nobody else is free: no second offer
    # She does not answer: the caller is held again, first in line.
    root = twiml(dial_result(client, HELD, int(step), "no-answer"))
    assert tags(root) == ["Say", "Enqueue"]
    assert waiting(session, HELD).state == WaitingState.WAITING
    assert waiting(session, HELD).since == LUNCH
    (gather,) = wait_turn(client, HELD, 60)
    assert gather[0].text is not None and "position 1." in gather[0].text


def hold(session: Session, client: Client, sid: str, since: datetime) -> None:
    call = Call(
        call_sid=sid, client_id=client.id, to_number="+33199001234", caller="+33145678901",
        started_at=since, plan=[],
    )  # fmt: skip
    session.add(call)
    session.flush()
    session.add(WaitingCall(call_id=call.id, client_id=client.id, since=since))


def only_claire_free(session: Session) -> None:
    for name in ("Sophie", "Inès"):
        presence.take_break(session, secretary(session, name).id, LUNCH)


def test_two_secretaries_freed_at_once_with_one_caller_held_make_one_offer(
    demo: str, db: Database, session: Session
) -> None:
    hold(session, demo_client(session), HELD, LUNCH - timedelta(minutes=1))
    presence.ensure(session, [secretary(session, n).id for n in ("Claire", "Sophie")], LUNCH)
    session.commit()
    barrier = threading.Barrier(2)
    offers: list[queue.Offer | None] = []

    def dispatcher() -> None:
        with db.session() as own:
            barrier.wait()
            begin_immediate(own)
            offers.append(queue.offer_next(own, LUNCH))

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [o for o in offers if o is not None]
    assert len(made) == 1 and len(offers) == 2
    session.rollback()
    states = [
        presence.effective_state(
            session.get(Presence, secretary(session, n).id, populate_existing=True), LUNCH
        )
        for n in ("Claire", "Sophie")
    ]
    assert sorted(states) == sorted([PresenceState.RINGING, PresenceState.AVAILABLE])
    assert waiting(session, HELD).state == WaitingState.OFFERED


def second_client(session: Session) -> Client:
    other = Client(slug="cabinet-des-lilas", name="Cabinet des Lilas", greeting="Lilas")
    session.add(other)
    session.flush()
    session.add(DeskNumber(client_id=other.id, number="+33199005678"))
    return other


@pytest.mark.parametrize("claire_serves_lilas", [False, True])
def test_one_secretary_freed_is_offered_the_longest_waiting_caller_she_serves(
    demo: str, session: Session, claire_serves_lilas: bool
) -> None:
    parc, lilas = demo_client(session), second_client(session)
    hold(session, lilas, "CA" + "1" * 32, LUNCH - timedelta(minutes=3))  # waiting longest
    hold(session, parc, "CA" + "2" * 32, LUNCH - timedelta(minutes=1))
    if claire_serves_lilas:
        session.add(
            Training(secretary_id=secretary(session, "Claire").id, client_id=lilas.id,
                     overflow_rank=1)
        )  # fmt: skip
    only_claire_free(session)
    session.commit()
    offer = queue.offer_next(session, LUNCH)
    assert offer is not None and offer.secretary_id == secretary(session, "Claire").id
    assert offer.call_sid == ("CA" + "1" * 32 if claire_serves_lilas else "CA" + "2" * 32)
    assert queue.offer_next(session, LUNCH) is None  # she is taken now
