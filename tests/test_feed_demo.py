from __future__ import annotations

import icalendar
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.cli import main
from desk.models import Appointment
from tests.conftest import PUBLIC_BASE_URL


def test_the_demo_feed_shows_the_demo_appointments_but_not_the_cancelled_one(
    demo: str, session: Session, client: FlaskClient
) -> None:
    statuses = dict(
        session.execute(select(Appointment.status, func.count()).group_by(Appointment.status)).all()
    )
    assert statuses == {"booked": 5, "cancelled": 1}
    assert session.scalar(select(func.max(Appointment.sequence))) == 1  # one was rescheduled
    url = next(line.split()[-1] for line in demo.splitlines() if "/feeds/" in line)
    response = client.get(url.removeprefix(PUBLIC_BASE_URL))
    assert response.status_code == 200
    assert len(icalendar.Calendar.from_ical(response.data).walk("VEVENT")) == 5


def test_the_cli_creates_rotates_and_revokes_feed_urls_and_api_keys(
    demo: str, client: FlaskClient, settings: object
) -> None:
    runner = CliRunner()
    env = {
        "DESK_CONFIG": "/nonexistent.toml",
        "DESK_DATABASE_URL": client.application.extensions["desk.db"].url,
        "DESK_SERVER_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }
    created = runner.invoke(
        main, ["feed", "create", "--client", "cabinet-du-parc", "--practitioner", "1"], env=env
    )
    assert created.exit_code == 0, created.output
    url = created.output.strip()
    assert url.startswith(f"{PUBLIC_BASE_URL}/feeds/") and url.endswith(".ics")
    path = url.removeprefix(PUBLIC_BASE_URL)
    assert client.get(path).status_code == 200
    token = path.removeprefix("/feeds/").removesuffix(".ics")
    rotated = runner.invoke(main, ["feed", "rotate", "--token", token], env=env)
    assert rotated.exit_code == 0, rotated.output
    assert client.get(path).status_code == 404
    new_path = rotated.output.strip().removeprefix(PUBLIC_BASE_URL)
    assert client.get(new_path).status_code == 200
    new_token = new_path.removeprefix("/feeds/").removesuffix(".ics")
    assert runner.invoke(main, ["feed", "revoke", "--token", new_token], env=env).exit_code == 0
    assert client.get(new_path).status_code == 404
    unknown = runner.invoke(main, ["feed", "create", "--client", "nope"], env=env)
    assert unknown.exit_code != 0 and "nope" in unknown.output
    key = runner.invoke(main, ["apikey", "create", "--client", "cabinet-du-parc"], env=env)
    assert key.exit_code == 0 and key.output.startswith("pk_")
    listed = client.get(
        "/api/v1/appointments",
        query_string={"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"},
        headers={"Authorization": f"Bearer {key.output.strip()}"},
    )
    assert len(listed.get_json()["appointments"]) == 6
