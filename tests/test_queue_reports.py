"""The queue in the activity reports: callers held through the real webhooks and the
queue's functions, then read back from the client's page, the desk's page (parsed), the
API and `desk report activity` (JSON)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.calls import callbacks, queue
from desk.cli import main
from desk.models import Callback, Client, User, WaitingCall
from desk.models.states import WaitingState
from desk.reports.desk_measures import desk_activity
from desk.reports.facts import Period, Scope, load_facts, load_offered
from desk.reports.forecast import tally
from desk.reports.settled import settle
from scheduling.tokens import create_api_key
from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import one, parse
from tests.helpers.reports import PARIS, make_call
from tests.helpers.routing import CLAIRE, INES, SOPHIE, demo_client, dialled, paris, tags, twiml
from tests.helpers.twilio import fixture, signed_post
from tests.helpers.voice_steps import call_status, dial_result, incoming, leg_status, press, screen
from tests.helpers.web import LOGINS

LUNCH = paris(2027, 3, 30, 12, 41)
DAY = "from=2027-03-30&to=2027-03-30"
BUSY = [f"CA{n:032x}" for n in (0xB1, 0xB2, 0xB3)]
GAVE_UP, CALL_ME, TIMED_OUT, TAKEN = (f"CA{c * 32}" for c in "1234")


def at(app: Flask, seconds: float) -> datetime:
    when = LUNCH + timedelta(seconds=seconds)
    pin_clock(app, when)
    return when


def post(client: FlaskClient, path: str, sid: str, name: str, **form: str) -> Any:
    return twiml(signed_post(client, f"/webhooks/voice/{path}", fixture(name, CallSid=sid, **form)))


class Figures:
    """What the reports should say of the lunch queue below."""

    held = 4
    p50 = 50.0  # the median of 30 (taken when offered), 40 (hung up), 60 (key 2), 180
    p90 = 180.0  # nearest rank
    to_human = 35.0  # the taken caller: held at +0, Claire pressed 1 at +35


@pytest.fixture
def lunch_queue(app: Flask, client: FlaskClient, demo: str, db: Database) -> None:
    """Everyone busy at lunch; four callers held. Claire is freed at +25 and offered the
    first (at +30: the dispatcher's choice, `queue.offer_next`, then Twilio following
    the redirect); she presses 1 at +35. The second (held at +5) asks for a callback after
    60 s, the third (+10) waits the client's maximum (180 s), the last (+20) hangs up
    after 40 s."""
    at(app, 0)
    for sid, number in zip(BUSY, [CLAIRE, SOPHIE, INES], strict=True):
        assert dialled(twiml(incoming(client, sid))) == [number]
    for seconds, sid in ((0, TAKEN), (5, CALL_ME), (10, TIMED_OUT), (20, GAVE_UP)):
        at(app, seconds)
        assert tags(twiml(incoming(client, sid)))[-1] == "Enqueue"
    at(app, 25)  # Claire's caller hangs up before she pressed 1: she is free again
    screen(client, BUSY[0], CLAIRE)
    press(client, BUSY[0], CLAIRE, "")
    leg_status(client, BUSY[0], CLAIRE, "completed", 1)
    call_status(client, BUSY[0], "completed")
    offered = at(app, 30)
    with db.session() as session:
        offer = queue.offer_next(session, offered)
        session.commit()
    assert offer is not None and offer.call_sid == TAKEN
    root = post(client, f"queue-offer?attempt={offer.attempt_id}", TAKEN, "voice-queue-dequeued")
    assert dialled(root) == [CLAIRE]
    step = int(root[0].attrib["action"].rsplit("=", 1)[-1])
    at(app, 35)
    screen(client, TAKEN, CLAIRE)
    press(client, TAKEN, CLAIRE, "1")
    at(app, 60)
    post(client, "queue-result", GAVE_UP, "voice-enqueue-action-hangup", QueueResult="hangup")
    call_status(client, GAVE_UP, "completed")
    at(app, 65)
    assert tags(post(client, "queue-key", CALL_ME, "voice-enqueue-wait", Digits="2")) == ["Leave"]
    post(client, "queue-result", CALL_ME, "voice-enqueue-action-hangup", QueueResult="leave")
    call_status(client, CALL_ME, "completed")
    at(app, 190)
    leave = post(client, "queue-wait", TIMED_OUT, "voice-enqueue-wait", QueueTime="180")
    assert tags(leave) == ["Leave"]
    post(client, "queue-result", TIMED_OUT, "voice-enqueue-action-hangup", QueueResult="leave")
    at(app, 200)
    dial_result(client, TAKEN, step, "completed", bridged=True)
    call_status(client, TAKEN, "completed")


def queue_figures(measures: dict[str, object]) -> tuple[object, ...]:
    return tuple(
        measures[k]
        for k in (
            "held",
            "queue_wait_p50_seconds",
            "queue_wait_p90_seconds",
            "abandoned_waiting",
            "callbacks_asked",
            "callbacks_done",
        )
    )


EXPECTED = (Figures.held, Figures.p50, Figures.p90, 1, 1, 0)


def test_the_queue_in_the_api_and_the_command_line(
    lunch_queue: None, db: Database, client: FlaskClient, session: Session, tmp_path: Path
) -> None:
    parc = demo_client(session)
    states = session.scalars(select(WaitingCall.state).order_by(WaitingCall.since)).all()
    assert states == [
        WaitingState.TAKEN,
        WaitingState.CALLBACK,
        WaitingState.MESSAGE,
        WaitingState.ABANDONED,
    ]
    _, key = create_api_key(session, parc.id, "reports", LUNCH)
    session.commit()
    response = client.get(
        f"/api/v1/reports/activity?{DAY}", headers={"Authorization": f"Bearer {key}"}
    )
    measures = response.get_json()["measures"]
    assert queue_figures(measures) == EXPECTED
    assert measures["human_p50_seconds"] == Figures.to_human
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    args = ["report", "activity", "--client", parc.slug, "--from", "2027-03-30"]
    result = CliRunner().invoke(main, [*args, "--to", "2027-03-30", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert queue_figures(json.loads(result.output)["measures"]) == EXPECTED


def kpis(page: str) -> tuple[object, ...]:
    root = parse(page)

    def item(name: str) -> Any:
        return one(root, f'//ul[@id="queue-measures"]/li[@data-measure="{name}"]')

    wait, calls_back = item("queue-wait"), item("callbacks")
    return (
        int(one(item("held"), "./strong").text),
        float(wait.get("data-p50")),
        float(wait.get("data-p90")),
        int(one(item("abandoned-waiting"), "./strong").text),
        int(calls_back.get("data-asked")),
        int(calls_back.get("data-done")),
        float(item("to-human").get("data-p50")),
    )


def test_the_queue_on_the_client_and_desk_pages_before_and_after_the_roll_up(
    lunch_queue: None, app: Flask, client: FlaskClient, auth: AuthActions, db: Database
) -> None:
    with db.session() as session:
        parc = demo_client(session)
        admin = session.scalar(select(User).where(User.email == LOGINS["admin"]))
        assert admin is not None
        (asked,) = session.scalars(select(Callback.id)).all()
        callbacks.mark(session, admin, asked, True, LUNCH + timedelta(minutes=5))
        # The Simulator's callers are nobody's activity, their callbacks neither.
        played = make_call(session, parc, LUNCH, "missed")
        played.simulated = True
        session.add(
            Callback(
                client_id=parc.id, call_id=played.id, number="+33611111111", requested_at=LUNCH
            )
        )
        session.flush()
        session.add(Callback(client_id=parc.id, number="+33622222222", requested_at=LUNCH))
        session.commit()
    auth.login(LOGINS["admin"])
    done = (Figures.held, Figures.p50, Figures.p90, 1, 2, 1)  # and one asked by hand
    page = client.get(f"/desk/reports/?client={parc.id}&{DAY}").get_data(as_text=True)
    assert kpis(page) == (*done, Figures.to_human)
    # The whole desk: the demo's other clients had no call held.
    page = client.get(f"/desk/reports/?{DAY}").get_data(as_text=True)
    assert kpis(page) == (*done, Figures.to_human)
    period = Period(date(2027, 3, 30), date(2027, 3, 30), PARIS)
    with db.session() as session:
        live = desk_activity(session, period).measures
        settle(session, LUNCH + timedelta(days=3))  # the hour is in the roll-up now
        session.commit()
        settled = desk_activity(session, period).measures
    assert settled == live
    assert (settled.human_p50_seconds, settled.human_p90_seconds) == (35.0, 35.0)


def test_the_patience_counts_the_queue(lunch_queue: None, db: Database) -> None:
    """Hang-ups: BUSY[0]'s caller while ringing (25 s), GAVE_UP's in the queue (40 s).
    Time at risk besides: the taken caller's 35 s to a human (her queue included), and
    the queue time of the callers who left it by a key (60 s) or at the maximum (180 s),
    who did not hang up. The desk-wide load reads the same."""
    period = Period(date(2027, 3, 30), date(2027, 3, 30), PARIS)
    with db.session() as session:
        parc = demo_client(session)
        facts = load_facts(session, Scope((parc.id,)), period)
        offered = load_offered(session, select(Client.id).where(Client.id == parc.id), period)
    for found in (tally(facts, PARIS, frozenset()), tally(offered, PARIS, frozenset())):
        assert (found.sums.gave_up, found.sums.waited) == (2, 25 + 40 + 35 + 60 + 180)
