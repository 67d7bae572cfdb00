"""`desk report activity`: a client's measures as JSON, the same numbers as everywhere."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.cli import main
from tests.helpers.reports import week_history


def report(db: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = CliRunner().invoke(main, ["report", "activity", *args], env=env)
    return result.exit_code, result.output


def test_the_week_as_json(db: Database, session: Session, tmp_path: Path) -> None:
    client, *_ = week_history(session)
    session.commit()
    args = ("--client", client.slug, "--from", "2027-03-22", "--to", "2027-03-28")
    code, output = report(db, tmp_path, *args, "--json")
    assert code == 0, output
    found = json.loads(output)
    m = found["measures"]
    assert (m["offered"], m["answered"], m["answer_rate"], m["after_hours"]) == (8, 5, 0.625, 2)
    assert (m["median_wait_seconds"], m["p90_wait_seconds"]) == (12, 50)
    assert found["timezone"] == "Europe/Paris"
    assert found["weekly"] == [{"week": "2027-W12", "offered": 8, "answered": 5}]
    code, output = report(db, tmp_path, *args)
    assert code == 0, output
    assert "offered 8, answered 5 (62%), after hours 2" in output


def test_bad_input_is_refused_clearly(db: Database, session: Session, tmp_path: Path) -> None:
    client, *_ = week_history(session)
    session.commit()
    code, output = report(
        db, tmp_path, "--client", "nobody", "--from", "2027-03-22", "--to", "2027-03-28"
    )
    assert code != 0 and "No client nobody" in output
    code, output = report(
        db, tmp_path, "--client", client.slug, "--from", "2027-03-22", "--to", "2027-03-01"
    )
    assert code != 0 and "must end on or after" in output
    code, output = report(
        db, tmp_path, "--client", client.slug, "--from", "22/03/2027", "--to", "2027-03-28"
    )
    assert code != 0 and "--from" in output
