"""The activity pages: who sees what, the numbers behind each chart, and 404 for others."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Client
from desk.reports.facts import Secretary
from tests.conftest import AuthActions
from tests.helpers import html
from tests.helpers.reports import Ring, make_call, paris
from tests.helpers.routing import demo_client, secretary
from tests.helpers.web import LOGINS

PERIOD = "from=2027-03-22&to=2027-03-28"
CHARTS = ("measures", "heatmap", "weekly", "waits", "secretaries")


def _calls(db: Database) -> int:
    """Two demo calls (Claire takes one, Sophie the other) and one for another client."""
    with db.session() as s:
        parc = demo_client(s)
        claire, sophie = secretary(s, "Claire"), secretary(s, "Sophie")
        make_call(
            s,
            parc,
            paris(2027, 3, 23, 12, 10),
            "answered",
            plan=[[claire], [sophie]],
            rings=[Ring(claire, 0, 1, 9, 120, "accepted")],
        )
        make_call(
            s,
            parc,
            paris(2027, 3, 24, 18, 10),
            "answered",
            plan=[[sophie], [claire]],
            rings=[Ring(sophie, 0, 1, 5, 60, "accepted")],
        )
        other = Client(slug="autre", name="Autre cabinet")
        s.add(other)
        s.flush()
        ines = s.get(Secretary, secretary(s, "Inès").id)
        assert ines is not None
        for minute in range(3):
            make_call(
                s,
                other,
                paris(2027, 3, 23, 12, minute),
                "missed",
                plan=[[ines]],
                rings=[Ring(ines, 0, 1)],
            )
        s.commit()
        return other.id


def _rows(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_admin_sees_the_whole_desk_and_each_client(
    client: FlaskClient, auth: AuthActions, own: int, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["admin"])
    page = client.get(f"/desk/reports/?{PERIOD}").get_data(as_text=True)
    assert "Calls by weekday and hour" in page or "Appels par jour et par heure" in page
    assert "chart.umd.min.js" in page and 'id="report-data"' in page
    measures = dict(_rows(client, f"/desk/reports/measures.csv?{PERIOD}")[1:])
    assert (measures["offered"], measures["answered"], measures["abandoned"]) == ("5", "2", "3")
    measures = dict(_rows(client, f"/desk/reports/measures.csv?client={own}&{PERIOD}")[1:])
    assert (measures["offered"], measures["answered"]) == ("2", "2")
    heat = _rows(client, f"/desk/reports/heatmap.csv?client={own}&{PERIOD}")
    assert ["1", "12", "1"] in heat and ["2", "18", "1"] in heat  # Tuesday 12h, Wednesday 18h
    waits = _rows(client, f"/desk/reports/waits.csv?client={own}&{PERIOD}")
    assert waits[1:3] == [["5", "1"], ["10", "1"]]  # 4 s and 8 s after the first ring


def test_a_secretary_sees_her_own_calls_and_load(
    client: FlaskClient, auth: AuthActions, own: int, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["secretary"])  # Claire
    measures = dict(_rows(client, f"/desk/reports/measures.csv?{PERIOD}")[1:])
    assert (measures["offered"], measures["answered"]) == ("1", "1")  # rung for one
    people = _rows(client, f"/desk/reports/secretaries.csv?{PERIOD}")
    assert [row[0] for row in people[1:]] == ["Claire"]
    page = client.get(f"/desk/reports/?{PERIOD}")
    assert page.status_code == 200


def test_a_client_sees_its_own_activity_only(
    client: FlaskClient, auth: AuthActions, own: int, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["client"])
    measures = dict(_rows(client, f"/desk/reports/measures.csv?{PERIOD}")[1:])
    assert (measures["offered"], measures["answered"], measures["abandoned"]) == ("2", "2", "0")
    assert client.get(f"/desk/reports/?client={own}&{PERIOD}").status_code == 200


@pytest.mark.parametrize("who", ["client", "secretary"])
def test_every_report_route_for_another_client_is_404(
    client: FlaskClient, auth: AuthActions, own: int, db: Database, who: str
) -> None:
    other = _calls(db)
    auth.login(LOGINS[who])
    routes = ["/desk/reports/", *(f"/desk/reports/{c}.csv" for c in CHARTS)]
    for route in routes:
        for query in (f"client={other}&{PERIOD}", f"client={other}&from=bad", "client=abc"):
            assert client.get(f"{route}?{query}").status_code == 404, (route, query)


def test_bad_dates_are_explained(client: FlaskClient, auth: AuthActions, own: int) -> None:
    auth.login(LOGINS["admin"])
    response = client.get("/desk/reports/?from=2027-03-28&to=2027-03-01")
    assert response.status_code == 422
    assert "La période doit finir" in response.get_data(as_text=True)
    response = client.get("/desk/reports/?from=28/03/2027")
    assert response.status_code == 422
    assert "AAAA-MM-JJ" in response.get_data(as_text=True)
    assert client.get("/desk/reports/nothing.csv").status_code == 404


def test_logged_out_goes_to_the_login(client: FlaskClient, own: int, session: Session) -> None:
    assert client.get("/desk/reports/").status_code == 302


def test_the_practice_reads_how_each_figure_is_counted_in_words_not_a_file_path(
    client: FlaskClient, auth: AuthActions, own: int, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["client"])
    page = html.page(client.get(f"/desk/reports/?{PERIOD}"))
    assert "docs/activity.md" not in page.text_content()
    terms = html.texts(page, '//details[@id="definitions"]//dt')
    assert "Appels présentés" in terms and "Décroché" in terms
    summary = html.texts(page, '//details[@id="definitions"]/summary')
    assert summary == ["Comment chaque chiffre est compté"]


def test_weeks_are_named_by_their_monday_not_iso_numbers(
    client: FlaskClient, auth: AuthActions, own: int, db: Database
) -> None:
    _calls(db)
    auth.login(LOGINS["admin"])
    page = html.page(client.get(f"/desk/reports/?client={own}&{PERIOD}"))
    weeks = html.texts(page, '//section[@id="chart-weekly"]//tbody/tr/td[1]')
    assert weeks and all(re.fullmatch(r"sem\. du \d\d/\d\d", w) for w in weeks), weeks
    (data,) = page.xpath('//script[@id="report-data"]/text()')
    assert json.loads(data)["labels"]["weeks"] == weeks
