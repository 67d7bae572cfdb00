"""`desk calendar connect|list|disconnect` against real Radicale and Xandikos servers:
a calendar is checked before it is kept, its password sealed, each failure named."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.cli import main
from desk.models import CalendarConnection
from tests.helpers.appointments import make_practice
from tests.helpers.caldav_servers import DavServer


def desk(db: Database, tmp_path: Path, *args: str, trusted: str = "127.0.0.0/8") -> tuple[int, str]:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DESK_CALENDARS_TRUSTED_NETWORKS": trusted,
    }
    result = CliRunner().invoke(main, ["calendar", *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def password_file(tmp_path: Path, password: str) -> str:
    path = tmp_path / "password"
    path.write_text(password + "\n", encoding="utf-8")
    return str(path)


def connect(db: Database, tmp_path: Path, slug: str, url: str, server: DavServer, *extra: str):
    return desk(
        db,
        tmp_path,
        "connect",
        "--client",
        slug,
        "--url",
        url,
        "--username",
        server.username,
        "--password-file",
        password_file(tmp_path, server.password),
        *extra,
    )


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CalendarConnection)) or 0


def test_a_calendar_is_checked_kept_listed_and_its_password_never_shown(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    practice = make_practice(session)
    calendar = dav_server.new_calendar()
    code, output = connect(
        db,
        tmp_path,
        practice.client.slug,
        calendar.url,
        dav_server,
        "--practitioner",
        "dr paul martin",
    )
    assert code == 0, output
    connection_id = int(output.strip())

    code, output = desk(db, tmp_path, "list", "--json")
    assert code == 0, output
    [row] = json.loads(output)
    assert row["id"] == connection_id
    assert row["client"] == practice.client.slug
    assert row["practitioner"] == "Dr Paul Martin"
    assert row["url"] == calendar.url
    assert row["state"] == "active"
    assert row["last_push_at"] is None and row["last_error"] is None
    if dav_server.password:
        assert dav_server.password not in output
        stored = session.scalar(select(CalendarConnection.password_encrypted))
        assert stored and dav_server.password not in stored


def test_a_server_base_url_leads_to_its_only_calendar(
    db: Database, session: Session, tmp_path: Path, own_radicale: DavServer
) -> None:
    practice = make_practice(session)
    calendar = own_radicale.new_calendar()
    code, output = connect(db, tmp_path, practice.client.slug, own_radicale.base_url, own_radicale)
    assert code == 0, output
    code, output = desk(db, tmp_path, "list", "--json")
    assert json.loads(output)[0]["url"] == calendar.url


def test_two_calendars_ask_which_and_calendar_chooses(
    db: Database, session: Session, tmp_path: Path, own_radicale: DavServer
) -> None:
    practice = make_practice(session)
    own_radicale.new_calendar()
    second = own_radicale.new_calendar()
    code, output = connect(db, tmp_path, practice.client.slug, own_radicale.base_url, own_radicale)
    assert code != 0
    assert "Plusieurs agendas" in output
    code, output = connect(
        db,
        tmp_path,
        practice.client.slug,
        own_radicale.base_url,
        own_radicale,
        "--calendar",
        second.url,
    )
    assert code == 0, output
    assert json.loads(desk(db, tmp_path, "list", "--json")[1])[0]["url"] == second.url


def test_a_wrong_password_is_named_and_nothing_is_kept(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    practice = make_practice(session)
    calendar = radicale.new_calendar()
    code, output = desk(
        db,
        tmp_path,
        "connect",
        "--client",
        practice.client.slug,
        "--url",
        calendar.url,
        "--username",
        radicale.username,
        "--password-file",
        password_file(tmp_path, "not-the-password"),
    )
    assert code != 0
    assert "mot de passe" in output
    assert "not-the-password" not in output
    assert count(session) == 0


def test_an_unknown_url_a_non_calendar_and_a_closed_port_are_each_named(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    practice = make_practice(session)
    slug = practice.client.slug
    home = "alice/" if dav_server.kind == "radicale" else ""
    code, output = connect(db, tmp_path, slug, f"{dav_server.base_url}{home}nothing/", dav_server)
    assert code != 0 and "Rien n'a été trouvé" in output, output
    if dav_server.kind == "xandikos":
        book = f"{dav_server.base_url}user/contacts/addressbook/"
        code, output = connect(db, tmp_path, slug, book, dav_server)
        assert code != 0 and "n'est pas un agenda" in output, output
    code, output = connect(db, tmp_path, slug, "http://127.0.0.1:9/", dav_server)
    assert code != 0 and "injoignable" in output, output
    assert count(session) == 0


def test_loopback_is_refused_unless_trusted(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    practice = make_practice(session)
    calendar = radicale.new_calendar()
    code, output = desk(
        db,
        tmp_path,
        "connect",
        "--client",
        practice.client.slug,
        "--url",
        calendar.url,
        "--username",
        radicale.username,
        "--password-file",
        password_file(tmp_path, radicale.password),
        trusted="",
    )
    assert code != 0 and "n'est pas autorisée" in output, output
    assert count(session) == 0


def test_an_invitation_address_and_disconnecting(
    db: Database, session: Session, tmp_path: Path
) -> None:
    practice = make_practice(session)
    code, output = desk(
        db,
        tmp_path,
        "connect",
        "--client",
        practice.client.slug,
        "--url",
        "mailto:Dr.Martin@Example.org",
    )
    assert code == 0, output
    connection_id = output.strip()
    [row] = json.loads(desk(db, tmp_path, "list", "--json")[1])
    assert (row["kind"], row["url"]) == ("invitation", "mailto:Dr.Martin@example.org")

    code, output = desk(db, tmp_path, "disconnect", connection_id)
    assert code == 0, output
    assert json.loads(desk(db, tmp_path, "list", "--json")[1]) == []
    code, output = desk(db, tmp_path, "disconnect", "999")
    assert code != 0
