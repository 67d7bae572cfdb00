"""`desk client …`, `desk secretary …` and `desk import …`: scripts and migrations from other
tools. Imports are a dry run first, name each bad line and column, and import all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from desk.base.db import Database
from desk.models import AuditEvent, Client, DeskNumber, Outbox, Secretary, Training, User
from desk.models.base import Base

Desk = Callable[..., Result]


@pytest.fixture
def desk(db: Database, tmp_path: Path) -> Desk:
    env = {"DESK_CONFIG": str(tmp_path / "none.toml"), "DESK_DATABASE_URL": db.url}
    runner = CliRunner()

    def run(*args: str) -> Result:
        from desk.cli import main

        return runner.invoke(main, list(args), env=env)

    return run


def count(db: Database, model: type[Base]) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_client_add_edit_archive_and_list_as_json(desk: Desk, db: Database) -> None:
    added = desk("client", "add", "--name", "Cabinet Lumière", "--desk-number", "04 99 00 55 55")
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "cabinet-lumiere"
    copy = desk("client", "add", "--name", "Lumière 2", "--copy-from", "cabinet-lumiere")
    assert copy.exit_code == 0, copy.output
    dup = desk("client", "add", "--name", "X", "--desk-number", "+33499005555")
    assert dup.exit_code != 0 and "déjà attribué" in dup.output
    assert count(db, Client) == 2
    edited = desk("client", "edit", "lumiere-2", "--archive")
    assert edited.exit_code == 0, edited.output
    listed = json.loads(desk("client", "list", "--json").output)
    assert [c["slug"] for c in listed] == ["cabinet-lumiere"]
    assert listed[0]["desk_numbers"] == ["+33499005555"]
    everyone = json.loads(desk("client", "list", "--json", "--archived").output)
    assert {c["slug"]: c["archived"] for c in everyone} == {
        "cabinet-lumiere": False,
        "lumiere-2": True,
    }
    with db.session() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.actor == "cli")) >= 3


def test_secretary_add_invite_deactivate(desk: Desk, db: Database) -> None:
    bad = desk("secretary", "add", "--name", "Léa", "--phone", "12")
    assert bad.exit_code != 0 and "phone" in bad.output
    added = desk(
        "secretary", "add", "--name", "Léa", "--phone", "0612000042", "--email", "lea@ex.fr"
    )
    assert added.exit_code == 0, added.output
    link = desk("secretary", "invite", "lea@ex.fr")
    assert link.exit_code == 0 and "/desk/password/" in link.output
    with db.session() as s:
        assert s.scalar(select(Outbox.recipient).where(Outbox.channel == "email")) == "lea@ex.fr"
    off = desk("secretary", "deactivate", "lea@ex.fr")
    assert off.exit_code == 0, off.output
    with db.session() as s:
        lea = s.scalar(select(Secretary))
        user = s.scalar(select(User))
        assert lea is not None and not lea.active and user is not None and not user.active
    listed = json.loads(desk("secretary", "list", "--json").output)
    assert listed[0]["active"] is False


CLIENTS = """name,slug,desk_number,contact_name,contact_email,contact_phone
Cabinet A,cabinet-a,04 99 00 00 01,Accueil A,accueil@a.fr,
Cabinet B,,04 99 00 00 02,Accueil B,,06 12 00 00 02
"""


def test_import_clients_is_a_dry_run_first_then_applies(
    desk: Desk, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS, encoding="utf-8")
    dry = desk("import", "clients", str(path))
    assert dry.exit_code == 0, dry.output
    assert "2" in dry.output and count(db, Client) == 0
    # `desk import clients.csv`: the file's name says what it holds.
    done = desk("import", str(path), "--apply")
    assert done.exit_code == 0, done.output
    assert count(db, Client) == 2 and count(db, DeskNumber) == 2


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("Cabinet C,cabinet-c,04 99 00 00 01,,,", "number"),  # same desk number as line 2
        ("Cabinet C,cabinet-c,pas un numéro,,,", "number"),
        ("Cabinet C,Pas Un Slug!,,,,", "slug"),
        (",cabinet-c,,,,", "name"),
        ("Cabinet C,cabinet-c,,Accueil,pas-un-email,", "contact_email"),
        ("Cabinet C,cabinet-c,,Accueil,,123", "contact_phone"),
    ],
)
def test_a_bad_client_line_is_named_and_nothing_is_imported(
    desk: Desk, db: Database, tmp_path: Path, line: str, column: str
) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(CLIENTS + line + "\n", encoding="utf-8")
    result = desk("import", "clients", str(path), "--apply")
    assert result.exit_code != 0
    assert f"Ligne 4, {column}" in result.output, result.output
    assert count(db, Client) == 0 and count(db, DeskNumber) == 0


def test_a_file_without_the_required_columns_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("nom,portable\nLéa,0612000042\n", encoding="utf-8")
    result = desk("import", "people", str(path))
    assert result.exit_code != 0 and "name, phone" in result.output


PEOPLE = """name;phone;email;partner;clients;overflow_rank
Léa Martin;06 12 00 00 42;lea@ex.fr;non;cabinet-a;
Nora Petit;06 12 00 00 43;;oui;cabinet-a|cabinet-b;2
"""


def test_import_people_with_trainings_and_errors_by_column(
    desk: Desk, db: Database, tmp_path: Path
) -> None:
    clients = tmp_path / "clients.csv"
    clients.write_text(CLIENTS, encoding="utf-8")
    assert desk("import", "clients", str(clients), "--apply").exit_code == 0
    people = tmp_path / "people.csv"
    for bad, column in [
        ("Zoé;12;;;;", "phone"),
        ("Zoé;0612000044;pas-un-email;;;", "email"),
        ("Zoé;0612000044;;peut-être;;", "partner"),
        ("Zoé;0612000044;;;cabinet-inconnu;", "clients"),
        ("Zoé;0612000044;;;cabinet-a;12", "overflow_rank"),
    ]:
        people.write_text(PEOPLE + bad + "\n", encoding="utf-8")
        result = desk("import", "people", str(people), "--apply")
        assert result.exit_code != 0, bad
        assert f"Ligne 4, {column}" in result.output, (bad, result.output)
        assert count(db, Secretary) == 0
    people.write_text(PEOPLE, encoding="utf-8")
    assert desk("import", "people", str(people), "--apply").exit_code == 0
    with db.session() as s:
        nora = s.scalar(select(Secretary).where(Secretary.name == "Nora Petit"))
        assert nora is not None and nora.is_partner
        ranks = s.scalars(select(Training.overflow_rank).where(Training.secretary_id == nora.id))
        assert sorted(ranks) == [2, 2]
