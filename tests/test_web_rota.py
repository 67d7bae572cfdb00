from datetime import UTC, datetime, time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml.html import HtmlElement
from sqlalchemy import select

from desk.base.db import Database
from desk.calls.live import accepted_call
from desk.models import Shift
from tests.conftest import AuthActions, pin_clock
from tests.helpers.html import one, parse, text
from tests.helpers.web import LOGINS, demo_call, demo_id, post, secretary_id

WEEK = "2026-03-02"  # Monday; lunch 12:00-14:00 Paris


def _lunch_shifts(db: Database) -> dict[str, int]:
    with db.session() as s:
        rows = s.scalars(
            select(Shift).where(Shift.weekdays == "01234", Shift.rank.in_((1, 2)))
        ).all()
        return {r.secretary.name: r.id for r in rows if r.start_local.hour == 12}


def _monday(page: Any) -> HtmlElement:
    return one(parse(page), f'//section[@data-day="{WEEK}"]')


def _on_duty(day: HtmlElement) -> set[str]:
    return {duty.get("data-secretary") for duty in day.xpath(".//li[@data-secretary]")}


def _gaps(day: HtmlElement) -> list[str]:
    return [gap.get("data-gap") for gap in day.xpath(".//p[@data-gap]")]


def test_the_week_grid_shows_coverage_and_the_pair_on_duty(
    client: FlaskClient, auth: AuthActions, own: int
) -> None:
    auth.login(LOGINS["secretary"])
    monday = _monday(client.get(f"/desk/rota/?client={own}&week={WEEK}"))
    assert "12:00–14:00" in text(monday)
    assert {"Claire", "Sophie"} <= _on_duty(monday)
    assert _gaps(monday) == []


def test_removing_the_pair_leaves_a_gap_in_red_and_a_new_shift_fills_it(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        ines = secretary_id(s, "Inès")
    shifts = _lunch_shifts(db)
    auth.login(LOGINS["admin"])
    post(client, f"/desk/rota/{own}/shift/{shifts['Sophie']}/delete?week={WEEK}")
    post(client, f"/desk/rota/{own}/shift/{shifts['Claire']}/delete?week={WEEK}")
    page = client.get(f"/desk/rota/?client={own}&week={WEEK}").get_data(as_text=True)
    assert "12:00" in _gaps(_monday(page))

    added = post(
        client,
        f"/desk/rota/{own}/shifts?week={WEEK}",
        {
            "shift-secretary": str(ines),
            "shift-weekdays": ["0"],
            "shift-start": "12:00",
            "shift-end": "14:00",
            "shift-rank": "1",
        },
    )
    assert added.status_code == 302
    page = client.get(f"/desk/rota/?client={own}&week={WEEK}").get_data(as_text=True)
    assert "12:00" not in _gaps(_monday(page))
    assert "Inès" in _on_duty(_monday(page))


def test_an_absence_opens_a_gap_and_an_override_closes_it(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        claire, ines = secretary_id(s, "Claire"), secretary_id(s, "Inès")
    shifts = _lunch_shifts(db)
    auth.login(LOGINS["admin"])
    post(client, f"/desk/rota/{own}/shift/{shifts['Sophie']}/delete?week={WEEK}")
    absent = post(
        client,
        f"/desk/rota/{own}/absences?week={WEEK}",
        {
            "absence-secretary": str(claire),
            "absence-first_day": WEEK,
            "absence-last_day": WEEK,
            "absence-kind": "sick",
        },
    )
    assert absent.status_code == 302
    page = client.get(f"/desk/rota/?client={own}&week={WEEK}").get_data(as_text=True)
    assert "12:00" in _gaps(_monday(page))

    taken = post(
        client,
        f"/desk/rota/{own}/overrides?week={WEEK}",
        {"take-shift": str(shifts["Claire"]), "take-replacement": str(ines), "take-day": WEEK},
    )
    assert taken.status_code == 302
    monday = _monday(client.get(f"/desk/rota/?client={own}&week={WEEK}"))
    assert "12:00" not in _gaps(monday)
    assert "remplace Claire" in text(monday)


def test_a_shift_for_a_secretary_not_trained_for_the_client_is_refused_next_to_the_field(
    client: FlaskClient, auth: AuthActions, own: int
) -> None:
    auth.login(LOGINS["admin"])
    refused = post(
        client,
        f"/desk/rota/{own}/shifts",
        {
            "shift-secretary": "999",
            "shift-weekdays": ["0"],
            "shift-start": "12:00",
            "shift-end": "14:00",
            "shift-rank": "1",
        },
    )
    assert refused.status_code == 400
    assert 'id="shift-secretary-error"' in refused.get_data(as_text=True)


def test_the_now_page_says_who_is_on_duty_now_and_next(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    pin_clock(app, datetime(2026, 3, 2, 11, 30, tzinfo=UTC))  # Monday 12:30 in Paris
    auth.login(LOGINS["secretary"])
    row = text(one(parse(client.get("/desk/now")), '//tr[@data-client="cabinet-du-parc"]'))
    assert "Claire" in row and "Sophie" in row
    assert "14:00" in row  # until
    assert "02/03 18:00" in row  # next: the evening pair


def test_the_call_the_secretary_just_accepted_is_hers_and_nobody_elses(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    at = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)
    pin_clock(app, at)
    call_id = demo_call(db, sid="CA-live", at=at, accepted_by="Claire")
    with db.session() as s:
        live = accepted_call(s, secretary_id(s, "Claire"), at)
        assert live is not None and live.call_id == call_id
        assert accepted_call(s, secretary_id(s, "Sophie"), at) is None
    auth.login(LOGINS["secretary"])
    fiche = client.get(f"/desk/clients/{own}/fiche?call={call_id}").get_data(as_text=True)
    assert "Prendre un message" in fiche and "Prendre rendez-vous" in fiche


def test_a_shift_recurring_by_rrule_shows_in_the_grid_as_routing_would_ring_it(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        s.add(
            Shift(
                secretary_id=secretary_id(s, "Inès"),
                client_id=own,
                weekdays=None,
                rrule="FREQ=WEEKLY;INTERVAL=1;BYDAY=MO",
                start_local=time(12),
                end_local=time(14),
                rank=3,
            )
        )
    auth.login(LOGINS["secretary"])
    monday = _monday(client.get(f"/desk/rota/?client={own}&week={WEEK}"))
    assert "Inès" in _on_duty(monday)
