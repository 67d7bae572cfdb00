"""Who is free on the desk: presence derived from the legs, never two callers for one
secretary, released by every end of a leg (and by the sweep when an end is lost)."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.orm import Session

from desk.calls import new_call, presence
from desk.models import Presence
from desk.models.states import PresenceState
from tests.conftest import pin_clock
from tests.helpers.routing import CLAIRE, INES, SOPHIE, dialled, paris, secretary, tags, twiml
from tests.helpers.voice_steps import call_status, dial_result, incoming, leg_status, press, screen

LUNCH = paris(2027, 3, 30, 12, 41)
FIRST, SECOND, THIRD = (f"CA{n:032x}" for n in (0xA001, 0xA002, 0xA003))


@pytest.fixture
def at_lunch(app: Flask, demo: str) -> datetime:
    pin_clock(app, LUNCH)
    return LUNCH


def state_of(session: Session, name: str, at: datetime = LUNCH) -> PresenceState:
    session.rollback()  # see what the webhooks committed
    row = session.get(Presence, secretary(session, name).id, populate_existing=True)
    return presence.effective_state(row, at)


def test_a_secretary_on_a_call_is_not_rung_for_the_next_caller(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    assert dialled(twiml(incoming(client, FIRST))) == [CLAIRE]
    screen(client, FIRST, CLAIRE)
    assert list(twiml(press(client, FIRST, CLAIRE, "1"))) == []
    assert state_of(session, "Claire") == PresenceState.ON_CALL
    # The second caller rings Sophie first: Claire is busy with the first.
    assert dialled(twiml(incoming(client, SECOND))) == [SOPHIE]
    assert state_of(session, "Sophie") == PresenceState.RINGING
    # A third rings Inès (the partner on overflow), never a busy phone.
    assert dialled(twiml(incoming(client, THIRD))) == [INES]


def test_after_the_call_she_wraps_up_then_is_rung_again(
    client: FlaskClient, app: Flask, at_lunch: datetime, session: Session
) -> None:
    incoming(client, FIRST)
    screen(client, FIRST, CLAIRE)
    press(client, FIRST, CLAIRE, "1")
    leg_status(client, FIRST, CLAIRE, "completed", 2)
    assert state_of(session, "Claire") == PresenceState.WRAPPING_UP
    row = session.get(Presence, secretary(session, "Claire").id)
    assert row is not None and row.until == LUNCH + timedelta(seconds=20)
    # Within her 20 seconds the next caller rings Sophie; after them, Claire again.
    pin_clock(app, LUNCH + timedelta(seconds=19))
    assert dialled(twiml(incoming(client, SECOND))) == [SOPHIE]
    pin_clock(app, LUNCH + timedelta(seconds=20))
    assert dialled(twiml(incoming(client, THIRD))) == [CLAIRE]


def test_a_caller_hanging_up_while_being_offered_frees_the_secretary(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    incoming(client, FIRST)
    screen(client, FIRST, CLAIRE)  # she hears "press 1"...
    assert state_of(session, "Claire") == PresenceState.RINGING
    call_status(client, FIRST, "completed")  # ...and the caller hangs up
    assert state_of(session, "Claire") == PresenceState.AVAILABLE
    # Her "1", a moment too late, bridges nothing and leaves her free.
    assert tags(twiml(press(client, FIRST, CLAIRE, "1"))) == ["Hangup"]
    assert state_of(session, "Claire") == PresenceState.AVAILABLE
    # Twilio's dial result for the dead call rings nobody else.
    assert tags(twiml(dial_result(client, FIRST, 0, "completed"))) == ["Hangup"]
    assert state_of(session, "Sophie") == PresenceState.AVAILABLE


def test_a_decline_or_a_silent_voicemail_frees_her_at_once(
    client: FlaskClient, at_lunch: datetime, session: Session
) -> None:
    incoming(client, FIRST)
    screen(client, FIRST, CLAIRE)
    press(client, FIRST, CLAIRE, "")  # her mobile's voicemail: no key
    assert state_of(session, "Claire") == PresenceState.AVAILABLE
    assert dialled(twiml(dial_result(client, FIRST, 0, "completed"))) == [SOPHIE]
    assert state_of(session, "Sophie") == PresenceState.RINGING


def test_two_callers_at_once_never_ring_the_same_secretary(
    app: Flask, at_lunch: datetime, session: Session
) -> None:
    sids = [f"CA{n:032d}" for n in range(1, 4)]
    barrier = threading.Barrier(len(sids))
    rung: dict[str, list[str]] = {}

    def call(sid: str) -> None:
        client = app.test_client()
        barrier.wait()
        rung[sid] = dialled(twiml(incoming(client, sid)))

    threads = [threading.Thread(target=call, args=(sid,)) for sid in sids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(number for numbers in rung.values() for number in numbers) == sorted(
        [CLAIRE, SOPHIE, INES]
    )
    assert all(len(numbers) == 1 for numbers in rung.values())
    assert {state_of(session, n) for n in ("Claire", "Sophie", "Inès")} == {PresenceState.RINGING}


def test_a_secretary_taken_between_the_read_and_the_writes_is_not_rung_twice(
    client: FlaskClient,
    app: Flask,
    at_lunch: datetime,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new call reads who is free with its rota, before its writes (and before SQLite's
    write lock). Another call that takes Claire in between wins: the claim, a
    compare-and-set, skips her and the next one on the rota is rung."""
    claire = secretary(session, "Claire").id
    read = new_call.look_up

    def read_then_another_call(*args: Any, **kwargs: Any) -> new_call.Arrival:
        arrival = read(*args, **kwargs)
        if kwargs["call_sid"] == SECOND:
            assert arrival.free[claire] is not False  # free when read
            assert dialled(twiml(incoming(app.test_client(), FIRST))) == [CLAIRE]
        return arrival

    monkeypatch.setattr(new_call, "look_up", read_then_another_call)
    assert dialled(twiml(incoming(client, SECOND))) == [SOPHIE]
    assert state_of(session, "Claire") == PresenceState.RINGING
    assert state_of(session, "Sophie") == PresenceState.RINGING


def test_a_break_keeps_her_phone_quiet_until_she_comes_back(
    client: FlaskClient, app: Flask, at_lunch: datetime, session: Session
) -> None:
    claire = secretary(session, "Claire").id
    presence.take_break(session, claire, LUNCH)
    session.commit()
    assert dialled(twiml(incoming(client, FIRST))) == [SOPHIE]
    assert presence.end_break(session, claire, LUNCH)
    session.commit()
    assert dialled(twiml(incoming(client, SECOND))) == [CLAIRE]
    # Being rung, she cannot slip away: the caller comes first.
    with pytest.raises(presence.Conflict):
        presence.take_break(session, claire, LUNCH)


# Repeated and out-of-order status callbacks. Twilio asks for TwiML (incoming, screen,
# screen-result, dial-result) in the call's order; its status callbacks (her leg answered
# or completed, the caller's status) are sent when their cause happens but may arrive any
# time later, and any delivery may be repeated.
SYNC = ("incoming", "screen", "press", "dial")
# Async event -> the sync step after which it is sent.
ASYNC_CAUSE = {"answered": 1, "leg-ended": 2, "caller-ended": 3}


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[str, list[str]]:
    digit = draw(st.sampled_from(["1", "9", ""]))
    order: list[str] = list(SYNC)
    for name, cause in ASYNC_CAUSE.items():
        for _ in range(draw(st.integers(1, 3))):  # delivered once or repeated
            at = draw(st.integers(order.index(SYNC[cause]) + 1, len(order)))
            order.insert(at, name)
    for _ in range(draw(st.integers(0, 2))):  # a TwiML request retried right away
        at = draw(st.integers(0, len(order) - 1))
        order.insert(at + 1, order[at])
    return digit, order


def _deliver(client: FlaskClient, sid: str, digit: str, name: str) -> None:
    accepted = digit == "1"
    if name == "incoming":
        incoming(client, sid)
    elif name == "screen":
        screen(client, sid, CLAIRE)
    elif name == "press":
        press(client, sid, CLAIRE, digit)
    elif name == "dial":
        dial_result(client, sid, 0, "completed", bridged=accepted)
    elif name == "answered":
        leg_status(client, sid, CLAIRE, "in-progress", 0)
    elif name == "leg-ended":
        leg_status(client, sid, CLAIRE, "completed", 1)
    else:
        call_status(client, sid, "completed")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=deliveries())
def test_repeated_and_late_status_callbacks_leave_presence_right(
    client: FlaskClient, at_lunch: datetime, session: Session, case: tuple[str, list[str]]
) -> None:
    digit, order = case
    session.execute(delete(Presence))
    session.commit()
    sid = f"CA{uuid.uuid4().hex}"  # a new call each time (hypothesis replays examples)
    for name in order:
        _deliver(client, sid, digit, name)
    claire = state_of(session, "Claire")
    if digit == "1":
        assert claire == PresenceState.WRAPPING_UP, " ".join(order)
        row = session.get(Presence, secretary(session, "Claire").id)
        assert row is not None and row.until == LUNCH + timedelta(seconds=20)
    else:
        assert claire == PresenceState.AVAILABLE
    # Sophie was rung after Claire's refusal, until the caller hung up: free again.
    assert state_of(session, "Sophie") == PresenceState.AVAILABLE
    assert state_of(session, "Inès") == PresenceState.AVAILABLE
