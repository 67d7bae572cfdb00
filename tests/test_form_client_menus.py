"""The take-a-message and booking forms search their client menu (30 clients listed):
a client found by search, or one beyond the first 30, can be chosen and the form works."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.network import LUNCH
from desk.base.db import Database
from desk.models import Appointment, AppointmentType, Client, Message, Practitioner
from tests.conftest import AuthActions, pin_clock
from tests.helpers.database import seeded_network
from tests.helpers.html import one, options, parse, text
from tests.helpers.web import post


def _options(page: Any, named: str = r"Cabinet \d+") -> list[str]:
    return options(page, named)


def _chosen(page: Any) -> list[tuple[str, str]]:
    """(value, label) of each option chosen."""
    return [(o.get("value"), text(o)) for o in parse(page).xpath("//option[@selected]")]


def _network(db: Database, app: Flask, client: FlaskClient) -> None:
    network = seeded_network(db, 100, calls_per_client=1, appointments_per_client=1)
    pin_clock(app, LUNCH)
    assert AuthActions(client).login(*network.admin).status_code == 302


def test_a_message_is_taken_for_a_client_found_by_search(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _network(db, app, client)
    assert "Cabinet 0077" not in _options(client.get("/desk/messages/new").get_data(as_text=True))
    found = client.get("/desk/messages/new?client_q=cabinet 0077").get_data(as_text=True)
    assert _options(found) == ["Cabinet 0077"] and 'name="client_q"' in found
    for client_id, caller in ((77, "Mme Search"), (90, "M. Beyond")):  # 90: not among the 30
        taken = post(
            client,
            "/desk/messages/new",
            {"client": str(client_id), "caller_name": caller, "urgency": "normal"}
            | {"body": "Merci de rappeler"},
        )
        assert taken.status_code == 302, taken.get_data(as_text=True)
        with db.session() as s:
            chosen = s.scalars(select(Message.client_id).where(Message.caller_name == caller))
            assert chosen.one() == client_id
    # Refused (the body is empty): the page comes back with the client still chosen.
    refused = post(client, "/desk/messages/new", {"client": "90", "urgency": "normal"})
    assert refused.status_code == 400
    assert ("90", "Cabinet 0090") in _chosen(refused)


def test_an_appointment_is_booked_for_a_client_found_by_search(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _network(db, app, client)
    first = client.get("/desk/book").get_data(as_text=True)
    assert "Choisir un client" in first and len(_options(first)) == 30
    # The one client found is chosen: its practitioner and type are offered next.
    found = client.get("/desk/book?client_q=cabinet 0077").get_data(as_text=True)
    assert _options(found) == ["Cabinet 0077"] and "Choisir un client" not in found
    assert ">Dr 77<" in found
    # Another client chosen with the practitioner of the one before: choose again, no 404.
    switched = client.get("/desk/book?client_id=78&practitioner_id=77&type_id=77")
    assert switched.status_code == 200 and ">Dr 78<" in switched.get_data(as_text=True)
    # A type the practitioner does not offer: said next to the type, not an error page.
    with db.session() as s:
        kind = s.get(AppointmentType, 77)
        assert kind is not None
        kind.practitioners.append(Practitioner(client_id=77, name="Dr Autre"))
    mismatch = client.get("/desk/book?client_id=77&practitioner_id=77&type_id=77")
    assert mismatch.status_code == 200 and ">Dr Autre<" in mismatch.get_data(as_text=True)
    assert "ne propose pas ce type de rendez-vous" in mismatch.get_data(as_text=True)
    with db.session() as s:
        kind = s.get(AppointmentType, 77)
        assert kind is not None
        kind.practitioners.clear()
    week = "2027-04-06"  # the next week (Monday 5 April is Easter Monday)
    slots = client.get(
        f"/desk/book?client_id=77&practitioner_id=77&type_id=77&week={week}"
    ).get_data(as_text=True)
    starts = parse(slots).xpath('//input[@name="starts_at"]/@value')
    assert starts, "no free slot offered"
    booked = post(
        client,
        "/desk/book",
        {"client_id": "77", "practitioner_id": "77", "type_id": "77", "week": week}
        | {"starts_at": starts[0], "patient_name": "Jeanne Petit", "patient_phone": ""},
    )
    assert booked.status_code == 302, booked.get_data(as_text=True)
    with db.session() as s:
        appt = s.scalars(select(Appointment).where(Appointment.patient_name == "Jeanne Petit"))
        assert appt.one().client_id == 77


def _secretary_options(page: str) -> list[str]:
    menu = one(parse(page), '//select[@name="secretary"]')
    return _options(menu, r"Secrétaire \d+")


def test_the_call_log_searches_its_secretary_menu(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _network(db, app, client)  # some 170 secretaries are trained for its 100 clients
    first = _secretary_options(client.get("/desk/calls/").get_data(as_text=True))
    assert len(first) == 30 and first == sorted(first)
    found = client.get("/desk/calls/?secretary_q=secrétaire 24").get_data(as_text=True)
    named = _secretary_options(found)
    assert named and all(name.startswith("Secrétaire 24") for name in named)
    # Chosen beyond the first 30, she stays in the menu and filters the log.
    chosen = named[-1]
    secretary_id = int(chosen.split()[-1])
    page = client.get(f"/desk/calls/?secretary={secretary_id}").get_data(as_text=True)
    assert (str(secretary_id), chosen) in _chosen(page)


def test_the_activity_report_searches_its_client_menu(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _network(db, app, client)
    first = _options(client.get("/desk/reports/").get_data(as_text=True))
    assert len(first) == 30 and "Cabinet 0077" not in first  # not every client listed
    found = client.get("/desk/reports/?client_q=cabinet 0077").get_data(as_text=True)
    assert _options(found) == ["Cabinet 0077"]
    assert 'href="/desk/reports/staffing"' in found  # the admin's link stays
    chosen = client.get("/desk/reports/?client=77").get_data(as_text=True)
    assert "Cabinet 0077" in _options(chosen)  # the report's client, beyond the first 30


def test_a_new_client_copies_one_found_by_search(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _network(db, app, client)
    first = _options(client.get("/desk/clients/new").get_data(as_text=True))
    assert len(first) == 30 and "Cabinet 0077" not in first
    found = client.get("/desk/clients/new?client_q=cabinet 0077").get_data(as_text=True)
    assert _options(found) == ["Cabinet 0077"]
    with db.Session() as s:
        copied = s.scalar(select(Client.id).where(Client.name == "Cabinet 0077"))
    made = post(
        client,
        "/desk/clients/new",  # the posted client is kept in the menu even without its search
        {
            "name": "Cabinet 0077 bis",
            "slug": "cabinet-0077-bis",
            "timezone": "Europe/Paris",
            "holiday_policy": "closed",
            "copy_from": str(copied),
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)[:500]


def test_the_simulator_lists_the_numbers_of_the_clients_a_search_finds(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _network(db, app, client)
    page = client.get("/desk/simulator").get_data(as_text=True)
    assert len(_options(page, r"Cabinet \d+ · .*")) == 30
    found = client.get("/desk/simulator?client_q=cabinet 0077").get_data(as_text=True)
    assert [label.split(" · ")[0] for label in _options(found, r"Cabinet \d+ · .*")] == [
        "Cabinet 0077"
    ]
    from bench.network import desk_number

    placed = post(client, "/desk/simulator", {"number": desk_number(77), "caller": "+33612345678"})
    assert placed.status_code == 200  # beyond the first 30, still a valid choice
