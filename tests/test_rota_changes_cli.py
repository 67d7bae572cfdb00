"""`desk rota absence|override …`: the rota page's edits from a script."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from desk.base.db import Database
from desk.cli import main
from desk.rota import responders
from tests.helpers.routing import demo_client, paris


def run(db: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = CliRunner().invoke(main, ["rota", *args], env=env)
    return result.exit_code, result.output


def test_absences_and_a_replacement_from_the_command_line_change_who_is_rung(
    db: Database, demo: str, tmp_path: Path
) -> None:
    for who in ("claire", "sophie"):
        code, out = run(
            db, tmp_path, "absence", "add", "--secretary", f"{who}@permanence.test",
            "--from", "2027-03-04", "--to", "2027-03-04", "--reason", "congé",
        )  # fmt: skip
        assert code == 0, out
    code, out = run(
        db, tmp_path, "override", "add", "--client", "cabinet-du-parc",
        "--replaced", "claire@permanence.test", "--by", "ines@permanence.test",
        "--from", "2027-03-04T12:00", "--to", "2027-03-04T14:00",
    )  # fmt: skip
    assert code == 0, out
    override_id = int(out.strip())
    with db.session() as s:
        steps = responders(s, demo_client(s), paris(2027, 3, 4, 12, 30))
    assert [r.name for step in steps for r in step] == ["Inès"]

    code, out = run(db, tmp_path, "absence", "list", "--all", "--json")
    listed = json.loads(out)
    assert [(a["secretary"], a["from"], a["to"], a["reason"]) for a in listed] == [
        ("claire@permanence.test", "2027-03-04", "2027-03-04", "congé"),
        ("sophie@permanence.test", "2027-03-04", "2027-03-04", "congé"),
    ]
    code, out = run(db, tmp_path, "override", "list", "--all", "--json")
    (only,) = json.loads(out)
    assert only["id"] == override_id and only["by"] == "ines@permanence.test"
    assert only["from"] == "2027-03-04T12:00:00+01:00"

    code, out = run(db, tmp_path, "show", "--client", "cabinet-du-parc", "--week", "2027-W09")
    assert "Thu 04/03  12:00–14:00  1 Inès" in out
    assert f"Replacement {override_id}: Inès replaces Claire Thu 04/03 12:00" in out
    assert "Absence " in out and "Claire 04/03 → 04/03" in out

    assert run(db, tmp_path, "override", "remove", str(override_id))[0] == 0
    code, out = run(db, tmp_path, "override", "list", "--all")
    assert out.strip() == "none"


def test_a_replacement_by_someone_absent_exits_non_zero_with_the_reason(
    db: Database, demo: str, tmp_path: Path
) -> None:
    run(
        db, tmp_path, "absence", "add", "--secretary", "ines@permanence.test",
        "--from", "2027-03-04", "--to", "2027-03-05",
    )  # fmt: skip
    code, out = run(
        db, tmp_path, "override", "add", "--client", "cabinet-du-parc",
        "--replaced", "claire@permanence.test", "--by", "ines@permanence.test",
        "--from", "2027-03-04T12:00", "--to", "2027-03-04T14:00",
    )  # fmt: skip
    assert code != 0
    assert "Inès est absente" in out
    code, out = run(db, tmp_path, "absence", "remove", "999")
    assert code != 0 and "999" in out
