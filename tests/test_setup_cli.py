"""The set-up by command line: coverage windows, trainings and shifts, for scripts; what
they set is what routing reads; output and errors in the desk's language; --json lists."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.base.db import Database
from desk.base.errors import DomainError
from desk.cli.setup_cli import days_text, parse_days
from desk.clients.lifecycle import NewClient, create_client
from desk.models import Client, CoverageWindow, Secretary, Shift, Training
from tests.helpers.money import desk

SLUG = "kine-lumiere"


@pytest.fixture
def kine(demo: str, db: Database) -> str:
    with db.session() as session:
        create_client(session, NewClient(name="Kiné Lumière", slug=SLUG))
    return SLUG


def test_days_as_people_type_them() -> None:
    assert parse_days("mon-fri") == [0, 1, 2, 3, 4]
    assert parse_days("lun-ven") == [0, 1, 2, 3, 4]
    assert parse_days("mon,wed,FRI") == [0, 2, 4]
    assert parse_days("sat") == [5]
    assert (days_text("01234"), days_text("024"), days_text("5")) == (
        "mon-fri",
        "mon,wed,fri",
        "sat",
    )
    for bad in ("", "fri-mon", "monday", "1-5"):
        with pytest.raises(DomainError):
            parse_days(bad)


def test_coverage_add_list_remove(kine: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(db, tmp_path, "client", "coverage", "add", "--client", kine,
                     "--weekdays", "mon-fri", "--from", "12:00", "--to", "14:00")  # fmt: skip
    assert code == 0, out
    assert "Kiné Lumière : mon-fri 12:00-14:00" in out
    code, out = desk(db, tmp_path, "client", "coverage", "add", "--client", kine,
                     "--weekdays", "sat", "--from", "8h30", "--to", "12:00")  # fmt: skip
    assert code == 0, out
    code, out = desk(db, tmp_path, "client", "coverage", "list", "--client", kine, "--json")
    rows = json.loads(out)
    assert [(r["days"], r["start"], r["end"]) for r in rows] == [
        ("mon-fri", "12:00", "14:00"), ("sat", "08:30", "12:00"),
    ]  # fmt: skip
    with db.session() as session:
        windows = session.scalars(select(CoverageWindow).order_by(CoverageWindow.id)).all()
        mine = [(w.weekdays, w.start_local) for w in windows if w.id in {r["id"] for r in rows}]
        assert mine == [("01234", time(12)), ("5", time(8, 30))]
    code, out = desk(db, tmp_path, "client", "coverage", "remove", "--client", kine,
                     "--weekdays", "sat", "--from", "08:30", "--to", "12:00")  # fmt: skip
    assert code == 0 and "1" in out
    code, out = desk(db, tmp_path, "client", "coverage", "list", "--client", kine)
    assert out.strip().endswith("mon-fri 12:00-14:00") and "sat" not in out
    code, out = desk(db, tmp_path, "client", "coverage", "remove", "--client", kine, "--id", "999")
    assert code == 1 and "Aucune plage de couverture 999" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--weekdays", "weekdays", "--from", "12:00", "--to", "14:00"), "--weekdays"),
        (("--weekdays", "mon-fri", "--from", "midi", "--to", "14:00"), "midi n'est pas une heure"),
        (("--weekdays", "mon-fri", "--from", "14:00", "--to", "12:00"), "--to"),
        (("--weekdays", "mon-fri", "--from", "12:00", "--to", "12:00"), "--to"),
    ],
)
def test_coverage_add_refuses_with_words(
    kine: str, db: Database, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    code, out = desk(db, tmp_path, "client", "coverage", "add", "--client", kine, *args)
    assert code == 1 and words in out, out


def test_train_shift_untrain(kine: str, db: Database, tmp_path: Path) -> None:
    email = "sophie@permanence.test"
    code, out = desk(db, tmp_path, "rota", "shift", "add", "--secretary", email, "--client", kine,
                     "--weekdays", "mon-fri", "--from", "12:00", "--to", "14:00")  # fmt: skip
    assert code == 1 and "--secretary" in out and "pas formée" in out
    code, out = desk(db, tmp_path, "secretary", "train", email, "--client", kine,
                     "--overflow-rank", "2")  # fmt: skip
    assert code == 0 and "Sophie est formée pour Kiné Lumière" in out
    for rank in ("1", "2"):
        code, out = desk(db, tmp_path, "rota", "shift", "add", "--secretary", email,
                         "--client", kine, "--weekdays", "mon-fri", "--from", "12:00",
                         "--to", "14:00", "--rank", rank)  # fmt: skip
        assert code == 0 and f"rang {rank}" in out, out
    code, out = desk(db, tmp_path, "rota", "shift", "list", "--client", kine, "--json")
    rows = json.loads(out)
    assert [(r["secretary"], r["days"], r["start"], r["rank"]) for r in rows] == [
        (email, "mon-fri", "12:00", 1), (email, "mon-fri", "12:00", 2),
    ]  # fmt: skip
    code, out = desk(db, tmp_path, "rota", "shift", "remove", "--secretary", email, "--client",
                     kine, "--weekdays", "mon-fri", "--from", "12:00", "--to", "14:00",
                     "--rank", "2")  # fmt: skip
    assert code == 0, out
    with db.session() as session:
        shifts = session.scalars(select(Shift.rank).where(Shift.id.in_([r["id"] for r in rows])))
        assert list(shifts) == [1]
        sophie = session.scalar(select(Secretary).where(Secretary.email == email))
        kine_id = session.scalar(select(Client.id).where(Client.slug == kine))
        assert sophie is not None and kine_id is not None
        ranks = {t.client_id: t.overflow_rank for t in sophie.trainings}
        assert ranks[kine_id] == 2 and len(ranks) > 1  # her other trainings stay
    code, out = desk(db, tmp_path, "secretary", "untrain", email, "--client", kine)
    assert code == 0 and "ne travaille plus pour Kiné Lumière" in out
    with db.session() as session:
        trained = session.scalar(
            select(Training.secretary_id).where(
                Training.secretary_id == sophie.id, Training.client_id == kine_id
            )
        )
        assert trained is None
    code, out = desk(db, tmp_path, "rota", "shift", "list", "--secretary", email, "--client",
                     kine, "--json")  # fmt: skip
    assert code == 0
    code, out = desk(db, tmp_path, "secretary", "train", "nobody@x.test", "--client", kine)
    assert code == 1 and "nobody@x.test" in out


def test_english_desk_speaks_english(kine: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(db, tmp_path, "client", "coverage", "list", "--client", kine, locale="en")
    assert code == 0 and out.strip() == "None."
    code, out = desk(db, tmp_path, "client", "coverage", "add", "--client", kine, "--weekdays",
                     "mon-fri", "--from", "noon", "--to", "14:00", locale="en")  # fmt: skip
    assert code == 1 and "noon is not a time" in out
