"""Calls placed by the Simulator are marked at their first webhook, shown with a badge in
the call log, and kept out of invoices, missions, payouts and reports; the Simulator is for
admins, and for secretaries only while an admin has put the desk in training mode."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from desk.base.db import Database
from desk.billing.missions import gather
from desk.models import Call, CallHour, Client, Message
from desk.reports.facts import Period, Scope, load_facts, load_offered
from desk.reports.periods import client_activity
from desk.reports.rollup import refresh
from tests.conftest import AuthActions, demo_id, pin_clock
from tests.helpers.html import find, has_class, page, texts
from tests.helpers.routing import DESK_NUMBER
from tests.helpers.twilio import fixture, signed_post
from tests.helpers.web import LOGINS, post

NOON = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # Monday 12:30 in Paris: Claire and Sophie
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31), ZoneInfo("Europe/Paris"))


def _simulate(client: FlaskClient, *answers: str) -> str:
    steps = dict(zip(("step1", "step2", "step3"), answers, strict=False))
    placed = post(
        client, "/desk/simulator", {"number": DESK_NUMBER, "caller": "+33612345678", **steps}
    )
    assert placed.status_code == 200
    return placed.get_data(as_text=True)


def _counted(db: Database) -> tuple[set[str], int, int, int]:
    """What billing (missions' sources), reports (facts, offered, the month's activity)
    count of the demo client's March."""
    with db.session() as s:
        client = s.get(Client, demo_id(s))
        assert client is not None
        sources = {w.source.split(":")[0] for w in gather(s, client, "2026-03")}
        facts = load_facts(s, Scope((client.id,)), MARCH)
        offered = load_offered(s, select(Client.id).where(Client.id == client.id), MARCH)
        month = client_activity(s, client, MARCH.first, MARCH.last)
        return sources, len(facts), len(offered), month.measures.offered


def test_a_simulated_answered_call_is_badged_and_neither_billed_paid_nor_reported(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOON)
    auth.login(LOGINS["admin"])
    placed = _simulate(client, "accept")
    assert 'data-outcome="answered"' in placed
    call_sid = placed.split('name="call_sid" type="hidden" value="')[1].split('"')[0]
    post(
        client,
        "/desk/simulator/hang-up",
        {"call_sid": call_sid, "to": DESK_NUMBER, "caller": "+33612345678"},
    )
    with db.session() as s:
        call = s.scalar(select(Call).where(Call.call_sid == call_sid))
        assert call is not None and call.simulated and call.outcome == "answered"

    # The call log shows it, with a badge.
    log = page(client.get("/desk/calls/"))
    badge = texts(log, f'//tr[@data-call="{call_sid}"]//*[{has_class("simulated")}]')
    assert badge == ["Simulé"]

    assert _counted(db) == (set(), 0, 0, 0)
    with db.session() as s:  # the desk's heatmap roll-up
        refresh(s, NOON)
        s.commit()
        assert s.scalar(select(func.sum(CallHour.calls))) in (None, 0)

    # The same call, had it been real, is work and activity: the mark is what keeps it out.
    with db.session() as s:
        s.execute(update(Call).where(Call.call_sid == call_sid).values(simulated=False))
        s.commit()
    assert _counted(db) == ({"call"}, 1, 1, 1)


def test_a_simulated_voicemail_is_not_a_mission(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    pin_clock(app, NOON)
    auth.login(LOGINS["admin"])
    placed = _simulate(client, "no-answer", "no-answer", "no-answer")
    assert 'data-outcome="voicemail"' in placed
    with db.session() as s:
        message = s.scalar(select(Message).where(Message.source == "voicemail"))
        assert message is not None and message.call_id is not None
    assert _counted(db) == (set(), 0, 0, 0)
    with db.session() as s:
        s.execute(update(Call).values(simulated=False))
        s.commit()
    sources, facts, offered, month = _counted(db)
    assert "message" in sources and facts == offered == month == 1


def test_only_the_simulators_webhooks_mark_a_call(
    app: Flask, client: FlaskClient, demo: str, db: Database
) -> None:
    pin_clock(app, NOON)
    real = fixture("voice-incoming-forwarded", CallSid="CA" + "1" * 32, To=DESK_NUMBER)
    simulated = {**fixture("voice-incoming-forwarded", CallSid="CA" + "2" * 32, To=DESK_NUMBER)}
    simulated["DeskSimulated"] = "1"
    assert signed_post(client, "/webhooks/voice/incoming", real).status_code == 200
    assert signed_post(client, "/webhooks/voice/incoming", simulated).status_code == 200
    with db.session() as s:
        marks = {sid: mark for sid, mark in s.execute(select(Call.call_sid, Call.simulated))}
    assert marks == {"CA" + "1" * 32: False, "CA" + "2" * 32: True}


def _menu(client: FlaskClient) -> list[str]:
    return [str(href) for href in page(client.get("/desk/")).xpath('//ul[@class="nav"]//a/@href')]


def test_secretaries_use_the_simulator_only_in_training_mode(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    auth.login(LOGINS["secretary"])
    assert client.get("/desk/simulator").status_code == 403
    assert "/desk/simulator" not in _menu(client)
    refused = post(client, "/desk/simulator", {"number": DESK_NUMBER, "caller": "+33612"})
    assert refused.status_code == 403
    assert post(client, "/desk/simulator/training", {"on": "y"}).status_code == 403
    auth.logout()

    auth.login(LOGINS["admin"])
    assert "/desk/simulator" in _menu(client)
    switch = find(
        page(client.get("/desk/simulator")), '//*[@id="training-form"]//input[@name="on"]'
    )
    assert switch is not None and not switch.checked
    assert post(client, "/desk/simulator/training", {"on": "y"}).status_code == 302
    switch = find(
        page(client.get("/desk/simulator")), '//*[@id="training-form"]//input[@name="on"]'
    )
    assert switch is not None and switch.checked
    auth.logout()

    auth.login(LOGINS["secretary"])
    assert client.get("/desk/simulator").status_code == 200
    assert "/desk/simulator" in _menu(client)
    # Secretaries use it; they do not switch the training mode.
    assert find(page(client.get("/desk/simulator")), '//*[@id="training-form"]') is None
    auth.logout()

    auth.login(LOGINS["admin"])
    assert post(client, "/desk/simulator/training", {}).status_code == 302
    auth.logout()
    auth.login(LOGINS["secretary"])
    assert client.get("/desk/simulator").status_code == 403
