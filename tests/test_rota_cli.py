"""`desk rota show`: the week's duty per covered stretch, and the gaps."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.cli import main
from desk.models import Absence
from tests.helpers.routing import paris, secretary


def show(db: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = CliRunner().invoke(main, ["rota", "show", *args], env=env)
    return result.exit_code, result.output


def test_the_easter_week_shows_the_holiday_the_pairs_and_no_gaps(
    db: Database, demo: str, tmp_path: Path
) -> None:
    code, output = show(db, tmp_path, "--client", "cabinet-du-parc", "--week", "2027-W13")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[1] == "Mon 29/03  Easter Monday: closed, after hours all day"
    assert lines[2] == "Tue 30/03  12:00–14:00  1 Claire, 2 Sophie; overflow: Inès"
    assert lines[3] == "           18:00–19:00  1 Sophie, 2 Claire; overflow: Inès"
    assert "Sat 03/04  08:00–12:00  1 Sophie, 2 Claire; overflow: Inès" in lines
    assert "Sun 04/04  not covered" in lines
    assert lines[-1] == "Gaps: none"


def test_a_gap_is_listed_with_its_minutes(
    db: Database, demo: str, session: Session, tmp_path: Path
) -> None:
    for name in ("Claire", "Sophie"):
        session.add(
            Absence(
                secretary_id=secretary(session, name).id,
                starts_at=paris(2027, 3, 31, 13, 15),
                ends_at=paris(2027, 3, 31, 15),
            )
        )
    session.commit()
    code, output = show(db, tmp_path, "--client", "cabinet-du-parc", "--week", "2027-w13")
    assert code == 0, output
    assert "           13:15–14:00  NOBODY (gap); overflow: Inès" in output
    assert output.splitlines()[-2:] == ["Gaps: 45 min", "  Wed 31/03 13:15–14:00 (45 min)"]


def test_an_unknown_client_or_a_bad_week_is_a_clear_error(
    db: Database, demo: str, tmp_path: Path
) -> None:
    code, output = show(db, tmp_path, "--client", "nope", "--week", "2027-W13")
    assert code != 0 and "no client 'nope'" in output
    code, output = show(db, tmp_path, "--client", "cabinet-du-parc", "--week", "week 13")
    assert code != 0 and "ISO week" in output
