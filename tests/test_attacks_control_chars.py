"""Attack (issue 26): control characters in names and free text. A CR/LF in a stored name
made the client's and the practitioner's feeds answer 500; every way in now cleans them,
and the feeds stay whole for rows stored before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, Table, create_engine, insert, select, text, update

from desk.base.db import Database
from desk.base.plain_text import free_text, one_line
from desk.migrations import alembic_config, upgrade
from desk.models import Appointment, Client, Practitioner, Secretary
from scheduling.tokens import create_feed_token
from tests.helpers.api import MONDAY_9, new_appointment, setup_api
from tests.helpers.attacks import desk_cli
from tests.helpers.feeds import book_into, feed_practice

DIRTY = "Dr\r\nX-INJECTED:1\x07\x1b[31m\u2028Roux\u202e"


@pytest.mark.parametrize(
    ("raw", "line", "text_"),
    [
        ("Dr\r\nRoux", "Dr Roux", "Dr\nRoux"),
        ("Jean \x07 Dupont\x00", "Jean Dupont", "Jean  Dupont"),
        ("a\tb\u2028c\u202ed", "a b cd", "a\tb\ncd"),
        ("Élise Ñúñez", "Élise Ñúñez", "Élise Ñúñez"),
    ],
)
def test_control_characters_are_cleaned_and_letters_kept(raw: str, line: str, text_: str) -> None:
    assert (one_line(raw), free_text(raw)) == (line, text_)


def test_feeds_stay_whole_with_names_stored_with_crlf_before(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, path = feed_practice(db, app)
    book_into(db, practice, MONDAY_9, "Jean Dupont")
    with db.session() as s:
        # Stored as typed, before names were cleaned (Core statements skip the guard).
        s.execute(update(Client).values(name=DIRTY))
        s.execute(update(Practitioner).values(name=DIRTY))
        s.execute(update(Appointment).values(patient_name=DIRTY, notes="ligne 1\r\nligne 2\x07"))
        mine = create_feed_token(s, practice.client.id, practice.practitioner.id, MONDAY_9).token
    for url in (path, f"/feeds/{mine}.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data()
        assert b"\nX-INJECTED" not in body and b"\x07" not in body and b"\x1b" not in body
        cal = icalendar.Calendar.from_ical(body)
        assert str(cal["x-wr-calname"]).startswith("Dr X-INJECTED:1")
        [event] = cal.walk("VEVENT")
        assert "\n" not in str(event["summary"])


def test_every_way_in_stores_names_without_control_characters(
    db: Database, app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    practice, auth = setup_api(db, app)
    made = client.post(
        "/api/v1/appointments",
        json=new_appointment(
            practice, MONDAY_9, patient_name="Marie\r\nDupont\x07", notes="a\r\nb\x1b"
        ),
        headers=auth,
    )
    assert made.status_code == 201, made.get_json()
    code, out, _ = desk_cli(
        db, tmp_path, "secretary", "add", "--name", "Léa\r\nMartin\x07", "--phone", "0612000042"
    )
    assert code == 0, out
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text(
        'name,slug,desk_number\n"Cabinet\r\nB\x07",cabinet-b,04 99 00 00 02\n', encoding="utf-8"
    )
    code, out, _ = desk_cli(db, tmp_path, "import", "clients", str(csv_path), "--apply")
    assert code == 0, out
    with db.session() as s:
        appt = s.get(Appointment, made.get_json()["id"])
        assert appt is not None and (appt.patient_name, appt.notes) == ("Marie Dupont", "a\nb")
        assert s.scalar(select(Secretary.name).where(Secretary.phone == "+33612000042")) == (
            "Léa Martin"
        )
        assert s.scalar(select(Client.name).where(Client.slug == "cabinet-b")) == "Cabinet B"


def test_the_migration_cleans_names_stored_before(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    cfg = alembic_config(url)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0018-1")  # the revision before this one
    with engine.begin() as connection:
        # Core, without the ORM's guard (as rows written before it), into the table as it
        # stood then: the model's scalar defaults for the columns that existed.
        stood = Table("clients", MetaData(), autoload_with=connection)
        values = {
            column.name: column.default.arg
            for column in Client.__table__.columns
            if column.name in stood.c
            and column.default is not None
            and not callable(column.default.arg)
        }
        values |= {"slug": "c", "name": DIRTY, "greeting": "Bonjour\r\n\x07"}
        values |= {name: datetime.now(UTC) for name in ("created_at",) if name in stood.c}
        connection.execute(insert(stood).values(**values))
    upgrade(engine)
    with engine.connect() as connection:
        name, greeting = connection.execute(text("SELECT name, greeting FROM clients")).one()
    engine.dispose()
    assert (name, greeting) == ("Dr X-INJECTED:1 [31m Roux", "Bonjour\n")
