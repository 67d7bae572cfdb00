"""Aujourd'hui: the secretary's home page says what her day holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml.html import HtmlElement
from sqlalchemy import func, select

from bench.network import LUNCH
from desk.base.db import Database
from desk.models import Absence, Message
from tests.conftest import AuthActions, pin_clock
from tests.helpers.database import seeded_network
from tests.helpers.html import has_class, one, parse, text, texts
from tests.helpers.routing import paris, secretary
from tests.helpers.web import LOGINS, demo_call, demo_id

AT = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # Monday 12:30 in Paris


def _section(page: Any, anchor: str) -> HtmlElement:
    return one(parse(page), f'//section[@id="{anchor}"]')


def test_claires_today_shows_duty_the_call_without_message_and_unread_messages(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, AT)
    waiting = demo_call(db, sid="CA-wait", at=AT - timedelta(minutes=5), accepted_by="Claire")
    with db.session() as s:
        s.add(Message(client_id=demo_id(s), caller_name="M. Urgent", urgency="urgent",
                      reason="Douleur", created_at=AT))  # fmt: skip
    auth.login(LOGINS["secretary"])
    page = parse(client.get("/desk/"))
    assert any(title.startswith("Aujourd'hui") for title in texts(page, "//h1"))
    duty = text(_section(page, "on-duty"))
    assert "Claire" in duty and "Sophie" in duty and "14:00" in duty
    (call,) = _section(page, "waiting-calls").xpath(f'.//*[@data-call="{waiting}"]')
    assert "06 12 34 56 78" in text(call)
    unread = text(_section(page, "unread"))
    assert "M. Urgent" in unread and "1 urgent" in unread
    assert page.xpath('//*[@id="coming-gaps"]') == []  # an admin's section


def test_an_admin_sees_the_gaps_of_the_coming_days(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, AT)
    with db.session() as s:
        for name in ("Claire", "Sophie"):
            who = secretary(s, name).id
            s.add(
                Absence(
                    secretary_id=who, starts_at=paris(2026, 3, 4, 0), ends_at=paris(2026, 3, 5, 0)
                )
            )
    auth.login(LOGINS["admin"])
    gaps = text(_section(client.get("/desk/"), "coming-gaps"))
    assert "04/03 12:00–14:00" in gaps
    # The day in French: "mer.", never strftime's English "Wed".
    assert "mer. 04/03 12:00–14:00" in gaps and "Wed" not in gaps


def test_a_clients_login_still_lands_on_its_client_list(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    auth.login(LOGINS["client"])
    assert parse(client.get("/desk/")).xpath('//*[@id="on-duty"]') == []


def test_claire_chooses_e_mail_for_her_duty_notices(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    from tests.helpers.web import post

    auth.login(LOGINS["secretary"])
    assert 'id="my-notices"' in client.get("/desk/").get_data(as_text=True)
    assert post(client, "/desk/me/notices", {"notify_by": "email"}).status_code == 302
    with db.session() as s:
        assert secretary(s, "Claire").notify_by == "email"


def test_a_large_desk_shows_a_page_of_boards_and_counts_every_unread_message(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    network = seeded_network(db, 30, calls_per_client=1, appointments_per_client=1)
    pin_clock(app, LUNCH)
    assert AuthActions(client).login(*network.admin).status_code == 302
    page = parse(client.get("/desk/"))
    duty = _section(page, "on-duty")
    assert len(duty.xpath(".//li[@data-client]")) == 20
    assert "10 autres clients sur la page En direct" in text(duty)
    with db.session() as s:
        unread = s.scalar(
            select(func.count()).select_from(Message).where(Message.acknowledged_at.is_(None))
        )
    assert unread and unread > 10  # more than the ten listed
    counted = _section(page, "unread")
    assert texts(counted, f".//span[{has_class('count')}]") == [str(unread)]
    assert len(counted.xpath(".//li[@data-message]")) == 10
