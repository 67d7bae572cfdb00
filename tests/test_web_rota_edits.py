"""The rota page tells the truth: replacements and absences listed, editable, deletable,
and what it shows is what a call rings."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from lxml.html import HtmlElement
from sqlalchemy import select

from desk.base.db import Database
from desk.models import Absence, Override, Secretary, Shift
from desk.rota import responders
from tests.conftest import AuthActions
from tests.helpers.html import one, parse, text
from tests.helpers.routing import demo_client, paris
from tests.helpers.web import LOGINS, demo_id, post, secretary_id

THURSDAY = "2026-03-05"
WEEK = "2026-03-02"


def _day(page: Any, day: str = THURSDAY) -> HtmlElement:
    return one(parse(page), f'//section[@data-day="{day}"]')


def _gaps(day: HtmlElement) -> list[str]:
    return [gap.get("data-gap") for gap in day.xpath(".//p[@data-gap]")]


def _claires_lunch(db: Database) -> int:
    with db.session() as s:
        shift = s.scalar(
            select(Shift)
            .join(Secretary, Shift.secretary_id == Secretary.id)
            .where(Secretary.name == "Claire", Shift.rank == 1)
        )
        assert shift is not None and shift.start_local.hour == 12
        return shift.id


def _absent(client: FlaskClient, own: int, who: int, first: str, last: str) -> int:
    return post(
        client,
        f"/desk/rota/{own}/absences?week={WEEK}",
        {
            "absence-secretary": str(who),
            "absence-first_day": first,
            "absence-last_day": last,
            "absence-kind": "leave",
        },
    ).status_code


def test_thursday_with_the_pair_absent_the_page_shows_ines_and_a_call_rings_her(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        claire, sophie = secretary_id(s, "Claire"), secretary_id(s, "Sophie")
        ines = secretary_id(s, "Inès")
    auth.login(LOGINS["admin"])
    assert _absent(client, own, claire, THURSDAY, THURSDAY) == 302
    assert _absent(client, own, sophie, THURSDAY, THURSDAY) == 302
    taken = post(
        client,
        f"/desk/rota/{own}/overrides?week={WEEK}",
        {
            "take-shift": str(_claires_lunch(db)),
            "take-replacement": str(ines),
            "take-day": THURSDAY,
        },
    )
    assert taken.status_code == 302
    page = client.get(f"/desk/rota/?client={own}&week={WEEK}").get_data(as_text=True)
    thursday = _day(page)
    assert "12:00" not in _gaps(thursday)
    assert thursday.xpath('.//li[@data-secretary="Inès"]')
    assert "remplace Claire" in text(thursday)
    # The replacement and both absences are listed, each with its remove button.
    listed = one(parse(page), '//section[@id="changes"]')
    assert len(listed.xpath(".//li[@data-absence]")) == 2
    assert len(listed.xpath(".//li[@data-override]")) == 1
    for change in listed.xpath(".//li[@data-absence or @data-override]"):
        assert change.xpath('.//form[contains(@action, "/delete")]//button')
    with db.session() as s:
        steps = responders(s, demo_client(s), paris(2026, 3, 5, 12, 30))
    assert [r.name for step in steps for r in step] == ["Inès"]


def test_a_replacement_by_someone_absent_is_refused_with_the_reason(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        ines = secretary_id(s, "Inès")
    auth.login(LOGINS["admin"])
    assert _absent(client, own, ines, THURSDAY, THURSDAY) == 302
    refused = post(
        client,
        f"/desk/rota/{own}/overrides?week={WEEK}",
        {
            "take-shift": str(_claires_lunch(db)),
            "take-replacement": str(ines),
            "take-day": THURSDAY,
        },
    )
    assert refused.status_code == 400
    assert "Inès est absente" in refused.get_data(as_text=True)
    with db.session() as s:
        assert s.scalar(select(Override.id)) is None


def test_a_replacement_by_someone_inactive_is_refused(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        ines = s.get(Secretary, secretary_id(s, "Inès"))
        assert ines is not None
        ines.active = False
        ines_id = ines.id
    auth.login(LOGINS["admin"])
    refused = post(
        client,
        f"/desk/rota/{own}/overrides?week={WEEK}",
        {
            "take-shift": str(_claires_lunch(db)),
            "take-replacement": str(ines_id),
            "take-day": THURSDAY,
        },
    )
    assert refused.status_code == 400
    assert "Inès est inactive" in refused.get_data(as_text=True)


def test_an_absence_is_edited_then_removed_and_the_gap_follows(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        claire, sophie = secretary_id(s, "Claire"), secretary_id(s, "Sophie")
    auth.login(LOGINS["admin"])
    _absent(client, own, claire, THURSDAY, THURSDAY)
    _absent(client, own, sophie, THURSDAY, THURSDAY)
    page = client.get(f"/desk/rota/?client={own}&week={WEEK}").get_data(as_text=True)
    assert "12:00" in _gaps(_day(page))
    with db.session() as s:
        absence_id = s.scalar(select(Absence.id).where(Absence.secretary_id == sophie))
    moved = post(
        client,
        f"/desk/rota/{own}/absences/{absence_id}?week={WEEK}",
        {
            f"absence{absence_id}-first_day": "2026-03-06",
            f"absence{absence_id}-last_day": "2026-03-06",
            f"absence{absence_id}-kind": "sick",
            f"absence{absence_id}-note": "",
        },
    )
    assert moved.status_code == 302, moved.get_data(as_text=True)
    page = client.get(f"/desk/rota/?client={own}&week={WEEK}").get_data(as_text=True)
    assert "12:00" not in _gaps(_day(page))
    assert "12:00" not in _gaps(_day(page, "2026-03-06"))  # Claire is there on Friday
    post(client, f"/desk/rota/{own}/absence/{absence_id}/delete?week={WEEK}")
    with db.session() as s:
        assert s.get(Absence, absence_id) is None
