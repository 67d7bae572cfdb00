"""Every desk page runs as many SQL statements for 100 clients as for 10.

A page that loads a rota, a coverage or a secretary per row grows with the network
(1,000 clients made the admin's Now page 2.5 s); counting the statements catches it on
any machine, without timing anything. Same data shape as `make bench` (bench/network.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from bench.network import LUNCH
from desk.base.db import Database
from desk.request_context import database_of
from tests.conftest import AuthActions, pin_clock
from tests.helpers.database import empty, seeded_network
from tests.helpers.html import options, parse

PAGES = {
    "admin": [
        "/desk/",
        "/desk/now",
        "/desk/rota/",
        "/desk/clients/",
        "/desk/calendar",
        "/desk/calls/",
        "/desk/messages/",
        "/desk/outbox/",
        "/desk/messages/new",
        "/desk/book",
        "/desk/billing/",
        "/desk/reports/staffing",
        "/desk/reports/",
        "/desk/payouts/",
        "/desk/prices/",
        "/desk/people/",
        "/desk/privacy/audit",
        "/desk/clients/new",
        "/desk/simulator",
    ],
    # a secretary sees the clients she is trained for (more of them in a larger network)
    "secretary": [
        "/desk/",
        "/desk/now",
        "/desk/rota/",
        "/desk/calendar",
        "/desk/calls/",
        "/desk/messages/",
        "/desk/messages/new",
        "/desk/book",
    ],
}


@pytest.fixture
def count_statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = database_of(app).engine  # the app's own engine, not the test's
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _statements(
    db: Database, app: Flask, client: FlaskClient, seen: list[str], clients: int, role: str
) -> dict[str, int]:
    empty(db)
    network = seeded_network(db, clients, calls_per_client=3, appointments_per_client=3)
    pin_clock(app, LUNCH)
    email, password = network.admin if role == "admin" else network.secretary
    assert AuthActions(client).login(email, password).status_code == 302
    counts = {}
    for page in PAGES[role]:
        client.get(page)  # first request of a kind may load lazily what later ones keep
        seen.clear()
        response = client.get(page)
        assert response.status_code == 200, page
        counts[page] = len(seen)
    client.post("/desk/logout")
    return counts


@pytest.mark.parametrize("role", ["admin", "secretary"])
def test_each_desk_page_runs_the_same_statements_for_10_and_100_clients(
    db: Database, app: Flask, client: FlaskClient, count_statements: list[str], role: str
) -> None:
    small = _statements(db, app, client, count_statements, 10, role)
    large = _statements(db, app, client, count_statements, 100, role)
    grown = {page: (small[page], large[page]) for page in PAGES[role] if small[page] != large[page]}
    assert grown == {}, f"statements per page (10 clients, 100 clients): {grown}"


def test_the_clients_list_is_searched_and_paginated(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    network = seeded_network(db, 120, calls_per_client=1, appointments_per_client=1)
    assert AuthActions(client).login(*network.admin).status_code == 302
    first = client.get("/desk/clients/").data.decode()
    assert first.count("data-client=") == 50 and "Page 1 sur 3" in first
    last = client.get("/desk/clients/?page=3").data.decode()
    assert last.count("data-client=") == 20 and "Cabinet 0120" in last
    found = client.get("/desk/clients/?q=cabinet 0105").data.decode()
    assert found.count("data-client=") == 1 and "client-105" in found
    nothing = client.get("/desk/clients/?q=nobody&page=9")
    assert nothing.status_code == 200 and "Aucun client" in nothing.data.decode()


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ("/desk/rota/", "client"),
        ("/desk/calendar", "client_id"),
        ("/desk/calls/", "client"),
        ("/desk/messages/", "client"),
        ("/desk/outbox/", "client"),
        ("/desk/messages/new", "client_id"),
        ("/desk/book", "client_id"),
    ],
)
def test_client_menus_search_instead_of_listing_every_client(
    db: Database, app: Flask, client: FlaskClient, page: str, field: str
) -> None:
    network = seeded_network(db, 100, calls_per_client=1, appointments_per_client=1)
    pin_clock(app, LUNCH)
    assert AuthActions(client).login(*network.admin).status_code == 302
    listed = client.get(page)
    assert len(options(listed, r"Cabinet 0.*")) == 30  # the menu's first ones
    assert parse(listed).xpath('//input[@name="client_q"]')
    found = client.get(f"{page}?client_q=cabinet 0077")
    assert options(found, r"Cabinet 0\d+") == ["Cabinet 0077"]
    # A chosen client stays in the menu even when the search does not find it.
    kept = client.get(f"{page}?client_q=0077&{field}=12")
    assert options(kept, r"Cabinet 0\d+") == ["Cabinet 0012", "Cabinet 0077"]
