"""A leg whose end is never reported is released by the presence sweep: by Twilio's own
word on the leg (the real twilio client aimed at a local server), or after the maximum
call length with the console provider. A lost callback never removes a secretary."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from desk.base.config import Settings, load_settings
from desk.base.db import Database
from desk.calls import presence
from desk.jobs import JobContext
from desk.jobs.presence import sweep
from desk.models import Presence
from desk.models.states import PresenceState
from tests.conftest import pin_clock, test_overrides
from tests.helpers.local_servers import TwilioApiServer, twilio_overrides
from tests.helpers.routing import CLAIRE, paris, secretary
from tests.helpers.voice_steps import incoming, leg_sid, press, screen

LUNCH = paris(2027, 3, 30, 12, 41)
SID = "CA0000000000000000000000000000b001"


@pytest.fixture
def on_a_call(app: Flask, client: FlaskClient, demo: str, session: Session) -> int:
    """Claire took the call; every end of it (leg status, dial result, status) is lost."""
    pin_clock(app, LUNCH)
    incoming(client, SID)
    screen(client, SID, CLAIRE)
    press(client, SID, CLAIRE, "1")
    return secretary(session, "Claire").id


def run_sweep(settings: Settings, db: Database, at: datetime) -> dict[str, int]:
    return sweep(JobContext(settings=settings, db=db, node="test", clock=lambda: at))


def state(session: Session, secretary_id: int, at: datetime) -> PresenceState:
    session.rollback()
    return presence.effective_state(session.get(Presence, secretary_id, populate_existing=True), at)


def test_without_twilio_a_lost_end_is_released_after_the_maximum_call_length(
    on_a_call: int, settings: Settings, db: Database, session: Session
) -> None:
    an_hour = LUNCH + timedelta(hours=1)
    assert run_sweep(settings, db, an_hour)["released"] == 0
    assert state(session, on_a_call, an_hour) == PresenceState.ON_CALL
    past = LUNCH + timedelta(minutes=120)
    assert run_sweep(settings, db, past) == {"open": 1, "released": 1}
    assert state(session, on_a_call, past) == PresenceState.WRAPPING_UP
    assert state(session, on_a_call, past + timedelta(seconds=20)) == PresenceState.AVAILABLE


def test_a_ring_whose_dial_result_was_lost_is_released_once_its_timeout_is_past(
    app: Flask, client: FlaskClient, demo: str, settings: Settings, db: Database, session: Session
) -> None:
    pin_clock(app, LUNCH)
    incoming(client, SID)  # Claire rung; nothing more ever arrives
    claire = secretary(session, "Claire").id
    assert run_sweep(settings, db, LUNCH + timedelta(seconds=60))["released"] == 0
    later = LUNCH + timedelta(seconds=20 + 6 + 60)
    assert run_sweep(settings, db, later)["released"] == 1
    assert state(session, claire, later) == PresenceState.AVAILABLE


@pytest.fixture
def twilio_api() -> TwilioApiServer:
    with TwilioApiServer() as api:
        yield api


def twilio_settings(db: Database, tmp_path: Path, api: TwilioApiServer) -> Settings:
    return load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "no-config.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance", **twilio_overrides(api)),
    )


def call_resource(sid: str, status: str, end_time: str | None) -> dict[str, object]:
    return {"sid": sid, "status": status, "end_time": end_time, "api_version": "2010-04-01"}


def test_with_twilio_the_sweep_asks_twilio_and_frees_her_when_her_leg_is_over(
    on_a_call: int, db: Database, session: Session, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    settings = twilio_settings(db, tmp_path, twilio_api)
    leg = leg_sid(SID, CLAIRE)
    at = LUNCH + timedelta(minutes=11)
    twilio_api.answer(200, call_resource(leg, "in-progress", None))
    assert run_sweep(settings, db, at) == {"open": 1, "released": 0}
    assert state(session, on_a_call, at) == PresenceState.ON_CALL
    # Her leg ended at 12:49 Paris time; the callback saying so was lost.
    twilio_api.answer(200, call_resource(leg, "completed", "Tue, 30 Mar 2027 10:49:00 +0000"))
    assert run_sweep(settings, db, at)["released"] == 1
    ended = paris(2027, 3, 30, 12, 49)
    assert state(session, on_a_call, ended + timedelta(seconds=19)) == PresenceState.WRAPPING_UP
    assert state(session, on_a_call, at) == PresenceState.AVAILABLE
    asked = [r for r in twilio_api.requests if r.method == "GET"]
    assert [r.path.rsplit("/", 1)[-1] for r in asked] == [f"{leg}.json"] * 2


def test_with_twilio_unreachable_the_maximum_call_length_still_frees_her(
    on_a_call: int, db: Database, session: Session, tmp_path: Path, twilio_api: TwilioApiServer
) -> None:
    settings = twilio_settings(db, tmp_path, twilio_api)
    twilio_api.answer(500, {"code": 20500, "message": "Internal error", "status": 500})
    twilio_api.answer(500, {"code": 20500, "message": "Internal error", "status": 500})
    assert run_sweep(settings, db, LUNCH + timedelta(minutes=30))["released"] == 0
    past = LUNCH + timedelta(minutes=121)
    assert run_sweep(settings, db, past)["released"] == 1
    assert state(session, on_a_call, past + timedelta(minutes=1)) == PresenceState.AVAILABLE
