"""The rota page's staffing section: under/over-staffed half hours and the what-if."""

from __future__ import annotations

from flask.testing import FlaskClient
from lxml.html import HtmlElement

from desk.base.db import Database
from desk.models import Absence
from tests.conftest import AuthActions
from tests.helpers import html
from tests.helpers.html import one, parse, texts
from tests.helpers.reports import paris
from tests.helpers.web import LOGINS, secretary_id

WEEK = "2027-04-05"


def _row(page: str, day: str, slot: str) -> HtmlElement:
    return one(parse(page), f'//tr[@data-staffing-day="{day}"][@data-slot="{slot}"]')


def _verdict(page: str, day: str, slot: str) -> list[str]:
    return [name for name in _row(page, day, slot).get("class").split() if "verdict" in name]


def test_the_rota_page_says_which_half_hours_are_under_staffed(
    client: FlaskClient, auth: AuthActions, own: int, db: Database
) -> None:
    with db.session() as s:
        for name in ("Claire", "Sophie"):
            s.add(
                Absence(
                    secretary_id=secretary_id(s, name),
                    starts_at=paris(2027, 4, 6, 12),
                    ends_at=paris(2027, 4, 6, 13),
                )
            )
        s.commit()
    auth.login(LOGINS["secretary"])
    page = client.get(f"/desk/rota/?client={own}&week={WEEK}").get_data(as_text=True)
    assert "2 demi-heures en sous-effectif" in page
    assert _verdict(page, "2027-04-06", "12:00") == ["verdict-under"]
    assert _verdict(page, "2027-04-06", "13:00") == ["verdict-over"]  # the pair for one call
    # The demo client holds callers up to 180 s; too few hung up to measure a patience.
    model = one(parse(page), '//p[@class="staffing-model"]')
    assert (model.get("data-model"), model.get("data-max-wait")) == ("queue", "180")
    assert model.get("data-patience") is None


def test_what_if_a_client_with_120_calls_a_week_joined(
    client: FlaskClient, auth: AuthActions, own: int
) -> None:
    auth.login(LOGINS["admin"])
    query = (
        f"/desk/rota/?client={own}&week={WEEK}&whatif_calls=120&whatif_day=1"
        "&whatif_start=12:00&whatif_end=13:00"
    )
    page = client.get(query).get_data(as_text=True)
    # Calls expected, secretaries needed, on duty.
    assert texts(_row(page, "2027-04-06", "12:30"), "./td")[2:5] == ["60.0", "9", "2"]
    assert _verdict(page, "2027-04-06", "12:30") == ["verdict-under"]
    assert _verdict(page, "2027-04-07", "12:30") == ["verdict-over"]  # Wednesday unchanged
    page = client.get(query.replace("whatif_end=13:00", "whatif_end=11:00")).get_data(as_text=True)
    assert "au moins un jour" in page and "sous-effectif" in page  # the plain advice, and why


def test_counts_agree_with_their_noun_one_client_one_half_hour(
    client: FlaskClient, auth: AuthActions, own: int, db: Database
) -> None:
    with db.session() as s:  # one half hour with nobody: Tuesday 12:00-12:30
        for name in ("Claire", "Sophie"):
            s.add(
                Absence(
                    secretary_id=secretary_id(s, name),
                    starts_at=paris(2027, 4, 6, 12),
                    ends_at=paris(2027, 4, 6, 12, 30),
                )
            )
        s.commit()
    auth.login(LOGINS["admin"])
    desk = html.page(client.get(f"/desk/reports/staffing?week={WEEK}"))
    (hint,) = html.texts(desk, '//section[@id="desk-staffing"]/p[@class="hint"]')
    assert hint.startswith("Appels attendus du client actif (") and "des 1 " not in hint
    under = html.texts(desk, '//section[@id="desk-staffing"]//span[@class="badge under"]')
    assert under == ["1 demi-heure en sous-effectif"]
    rota = html.page(client.get(f"/desk/rota/?client={own}&week={WEEK}"))
    assert html.texts(rota, '//span[@class="badge under"]') == ["1 demi-heure en sous-effectif"]
