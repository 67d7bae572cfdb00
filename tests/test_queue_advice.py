"""The staffing advice on the queue model: the client's maximum wait (0 = no queue) and
the patience measured choose the model; the pages say which (HTML parsed)."""

from __future__ import annotations

from datetime import date, time

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Client
from desk.reports.desk_staffing import desk_week_advice
from desk.reports.forecast import Window, add_client, advice, forecast, week_advice
from desk.reports.queue_staffing import Model, Setup, needed
from tests.conftest import AuthActions
from tests.helpers.html import one, parse
from tests.helpers.reports import Ring, make_call, paris
from tests.helpers.routing import demo_client, secretary
from tests.helpers.web import LOGINS

APRIL_5 = date(2027, 4, 5)
TUESDAY = date(2027, 4, 6)
LUNCH = [Window(frozenset({1}), time(12), time(13))]


def tuesday_noon(session: Session, client: Client) -> int:
    """Secretaries the advice wants on Tuesday 12:00 with 120 more calls an hour."""
    fc = add_client(forecast(session, client, APRIL_5, weeks=2), 120, LUNCH)
    (noon,) = [
        r for r in advice(session, client, APRIL_5, fc) if (r.day, r.label) == (TUESDAY, "12:00")
    ]
    return noon.needed


def test_the_maximum_wait_chooses_the_model(demo: str, session: Session) -> None:
    client = demo_client(session)
    assert client.queue_max_wait_seconds == 180
    found = week_advice(session, client, APRIL_5)
    assert found.setup == Setup(None, 180.0) and found.setup.model == Model.QUEUE
    # 120 calls an hour of 180 s (6 Erlangs): callers held up to 180 s need 9 secretaries
    # for 80 % of them answered within 20 s ...
    assert tuesday_noon(session, client) == 9
    # ... without a queue those who find all 7 busy go to voicemail: 1 - B(7, 6) = 0.81.
    client.queue_max_wait_seconds = 0
    assert week_advice(session, client, APRIL_5).setup.model == Model.NO_QUEUE
    assert tuesday_noon(session, client) == 7
    assert needed(120, 180, Setup(None, 0.0)).prediction.timed_out > 0.18


def test_the_patience_measured_joins_the_maximum_wait(demo: str, session: Session) -> None:
    client = demo_client(session)
    claire = secretary(session, "Claire")
    # Five callers hung up after 20 s; five were answered after 10 s: patience 150 / 5.
    for day in (22, 23, 24, 25, 26):
        call = make_call(session, client, paris(2027, 3, day, 12, 5), "missed")
        call.ended_at = call.started_at.replace(second=20)
        rings = [Ring(claire, 0, 0, 10, 180, "accepted")]
        make_call(session, client, paris(2027, 3, day, 12, 20), "answered", rings=rings)
    session.flush()
    found = week_advice(session, client, APRIL_5)
    assert found.setup == Setup(30.0, 180.0) and found.setup.model == Model.QUEUE
    fc = add_client(forecast(session, client, APRIL_5, weeks=2), 300, LUNCH)
    (noon,) = [r for r in advice(session, client, APRIL_5, fc) if r.day == TUESDAY][:1]
    assert noon.needed == needed(2 * noon.expected, 180, Setup(30.0, 180.0)).agents
    # Impatient callers leave the queue: fewer secretaries than if nobody hung up.
    assert noon.needed < needed(2 * noon.expected, 180, Setup(None, 180.0)).agents


def model_of(page: str) -> tuple[str | None, str | None, str | None]:
    found = one(parse(page), '//p[@class="staffing-model"]')
    return found.get("data-model"), found.get("data-max-wait"), found.get("data-patience")


def test_the_pages_say_which_model(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    rota = f"/desk/rota/?client={own}&week=2027-04-05"
    assert model_of(client.get(rota).get_data(as_text=True)) == ("queue", "180", None)
    desk = "/desk/reports/staffing?week=2027-04-05"
    assert model_of(client.get(desk).get_data(as_text=True))[:2] == ("queue", "180")
    with db.session() as s:
        for found in s.scalars(select(Client)):
            found.queue_max_wait_seconds = 0
        s.commit()
    assert model_of(client.get(rota).get_data(as_text=True)) == ("no-queue", "0", None)
    assert model_of(client.get(desk).get_data(as_text=True))[:2] == ("no-queue", "0")


def test_desk_wide_the_maximum_waits_are_weighted_by_the_calls(demo: str, session: Session) -> None:
    parc = demo_client(session)
    other = Client(slug="cabinet-des-lilas", name="Cabinet des Lilas", queue_max_wait_seconds=0)
    session.add(other)
    session.flush()
    make_call(session, parc, paris(2027, 3, 23, 12, 5), "missed")
    for minute in range(3):  # three times the calls, no queue
        make_call(session, other, paris(2027, 3, 23, 12, minute), "missed")
    found = desk_week_advice(session, APRIL_5, weeks=2)
    assert found.setup.max_wait_seconds == 180 * 1 / 4
    assert found.setup.model == Model.QUEUE
