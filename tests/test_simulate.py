"""`desk simulate call` against a real HTTP server running the desk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from desk.calls import presence
from desk.cli import main
from desk.models import Call, CallAttempt, Message, WaitingCall
from desk.models.states import WaitingState
from tests.conftest import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN
from tests.helpers.local_servers import serve_in_thread
from tests.helpers.routing import CLAIRE, DESK_NUMBER, INES, SOPHIE, paris, secretary


@pytest.fixture
def server(app: Flask, demo: str) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_thread(httpd)
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


def simulate(tmp_path: Path, url: str, *args: str) -> str:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "DESK_SERVER_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "cli-instance"),
    }
    command = ["simulate", "call", "--to", DESK_NUMBER, "--from", "0145678901", "--url", url]
    result = CliRunner().invoke(main, [*command, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def rung(session: Session) -> list[tuple[str, str]]:
    session.rollback()
    return [
        (n, o)
        for n, o in session.execute(
            select(CallAttempt.number, CallAttempt.outcome).order_by(CallAttempt.id)
        )
    ]


@pytest.mark.parametrize("answer", ["no-answer", "decline"])
def test_a_lunch_call_nobody_takes_walks_claire_sophie_ines_then_voicemail(
    server: str, tmp_path: Path, session: Session, answer: str
) -> None:
    output = simulate(tmp_path, server, "--at", "2027-03-30T12:30", "--answer", answer)
    lines = [line.strip() for line in output.splitlines()]
    ringing = [line.split()[2].rstrip(":") for line in lines if line.startswith("☎ ringing")]
    assert ringing == [CLAIRE, SOPHIE, INES]
    assert "<Record" in output.split("→ POST /webhooks/voice/dial-result?step=2")[1]
    assert lines[-1] == "call ended: voicemail"
    outcome = "no-answer" if answer == "no-answer" else "declined"
    assert rung(session) == [(CLAIRE, outcome), (SOPHIE, outcome), (INES, outcome)]
    message = session.scalar(select(Message))
    assert message is not None and message.source == "voicemail"


def test_an_evening_call_accepted_by_sophie_is_answered(
    server: str, tmp_path: Path, session: Session
) -> None:
    output = simulate(tmp_path, server, "--at", "2027-03-30T18:30", "--answer", "accept")
    assert output.splitlines()[-1] == "call ended: answered"
    assert rung(session) == [(SOPHIE, "accepted")]
    call = session.scalar(select(Call))
    assert call is not None and (call.outcome, call.twilio_status) == ("answered", "completed")


def test_a_call_after_hours_goes_straight_to_the_message(
    server: str, tmp_path: Path, session: Session
) -> None:
    output = simulate(tmp_path, server, "--at", "2027-03-29T12:30")  # Easter Monday
    assert "Le cabinet est fermé" in output
    assert output.splitlines()[-1] == "call ended: voicemail"
    assert rung(session) == []


def test_simulating_against_a_desk_that_is_not_running_says_so(tmp_path: Path) -> None:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "cli-instance"),
    }
    args = ["simulate", "call", "--to", DESK_NUMBER, "--from", "0145678901"]
    result = CliRunner().invoke(main, [*args, "--url", "http://127.0.0.1:9"], env=env)
    assert result.exit_code != 0
    assert "cannot reach the desk" in result.output


def test_with_everyone_on_a_break_the_simulated_caller_is_held_then_leaves_a_voicemail(
    server: str, tmp_path: Path, session: Session
) -> None:
    for name in ("Claire", "Sophie", "Inès"):
        presence.take_break(session, secretary(session, name).id, paris(2027, 3, 30, 12))
    session.commit()
    output = simulate(tmp_path, server, "--at", "2027-03-30T12:30", "--answer", "accept")
    assert "held in the queue" in output
    assert output.splitlines()[-1] == "call ended: voicemail"
    assert rung(session) == []  # nobody rung on a break
    held = session.scalar(select(WaitingCall))
    assert held is not None and held.state == WaitingState.MESSAGE
    message = session.scalar(select(Message))
    assert message is not None and message.source == "voicemail"
