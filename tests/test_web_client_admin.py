"""The admin creates, copies and archives clients and sets up their practice; bad input is
explained next to the field and saves nothing; every change leaves one audit row."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desk.base.db import Database
from desk.models import (
    AppointmentType,
    AuditEvent,
    Base,
    Client,
    Closure,
    Contact,
    CoverageWindow,
    DeskNumber,
    OpeningHours,
    Practitioner,
    User,
)
from tests.conftest import AuthActions
from tests.helpers.web import LOGINS, post


def _count(db: Database, model: type[Base]) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _new(client: FlaskClient, **data: Any) -> Any:
    client.get("/desk/clients/new")
    return post(
        client,
        "/desk/clients/new",
        {"timezone": "Europe/Paris", "holiday_policy": "closed", **data},
    )


def test_the_admin_creates_a_client_and_its_practice(
    client: FlaskClient, auth: AuthActions, db: Database, demo: str
) -> None:
    auth.login(LOGINS["admin"])
    first_audit = _count(db, AuditEvent)
    response = _new(client, name="Cabinet Émile Zola", holiday_policy="closed")
    assert response.status_code == 302
    with db.session() as s:
        new = s.scalar(select(Client).where(Client.slug == "cabinet-emile-zola"))
        assert new is not None
        cid = new.id
    base = f"/desk/clients/{cid}"
    assert (
        post(client, f"{base}/practitioners", {"practitioner-name": "Dr Roux"}).status_code == 302
    )
    assert (
        post(client, f"{base}/practitioners", {"practitioner-name": "Dr Blanc"}).status_code == 302
    )
    with db.session() as s:
        roux, blanc = s.scalars(
            select(Practitioner.id).where(Practitioner.client_id == cid).order_by(Practitioner.id)
        ).all()
    hours = {
        "hours-practitioner": str(roux),
        "hours-weekdays": ["0", "1", "2", "3", "4"],
        "hours-start": "09:00",
        "hours-end": "18:00",
    }
    assert post(client, f"{base}/hours", hours).status_code == 302
    kind = {
        "type-name": "Consultation",
        "type-duration_minutes": "20",
        "type-buffer_minutes": "5",
        "type-practitioners": [str(roux)],
    }
    assert post(client, f"{base}/types", kind).status_code == 302
    window = {
        "coverage-weekdays": ["0", "1", "2", "3", "4"],
        "coverage-start": "12:00",
        "coverage-end": "14:00",
    }
    assert post(client, f"{base}/coverage", window).status_code == 302
    closure = {"closure-starts_on": "2027-08-02", "closure-ends_on": "2027-08-20"}
    assert post(client, f"{base}/closures", closure).status_code == 302
    with db.session() as s:
        assert s.scalar(select(func.count()).where(OpeningHours.practitioner_id == roux)) == 5
        consult = s.scalar(select(AppointmentType).where(AppointmentType.client_id == cid))
        assert consult is not None
        assert [p.id for p in consult.practitioners] == [roux]
        assert blanc
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.id > first_audit)))
    assert "client.create" in actions and actions.count("opening_hours.create") == 5
    assert "appointment_type.create" in actions and "closure.create" in actions
    page = client.get(base).get_data(as_text=True)
    assert "Dr Roux" in page and "Consultation" in page


BAD: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "coverage",
        {"coverage-weekdays": ["0"], "coverage-start": "14:00", "coverage-end": "12:00"},
        "coverage-end",
        "cochez",
    ),
    (
        "coverage",
        {
            "coverage-weekdays": ["0"],
            "coverage-start": "08:00",
            "coverage-end": "12:00",
            "coverage-overnight": "y",
        },
        "coverage-overnight",
        "plage de nuit",
    ),
    ("coverage", {"coverage-start": "08:00", "coverage-end": "12:00"}, "coverage-weekdays", "jour"),
    ("numbers", {"number-number": "+33199001234"}, "number-number", "déjà attribué"),
    ("numbers", {"number-number": "pas un numéro"}, "number-number", "n'est pas un numéro"),
    (
        "contacts",
        {"contact-name": "Accueil", "contact-email": "pas-un-email"},
        "contact-email",
        "adresse e-mail",
    ),
    (
        "contacts",
        {"contact-name": "Accueil", "contact-phone": "123"},
        "contact-phone",
        "n'est pas un numéro",
    ),
    (
        "types",
        {"type-name": "Bilan", "type-duration_minutes": "20", "type-practitioners": ["99999"]},
        "type-practitioners",
        "",
    ),
    ("types", {"type-name": "Bilan", "type-duration_minutes": "0"}, "type-duration_minutes", ""),
    (
        "hours",
        {"hours-weekdays": ["0"], "hours-start": "18:00", "hours-end": "09:00"},
        "hours-end",
        "La fin doit suivre le début",
    ),
    (
        "closures",
        {"closure-starts_on": "2027-08-20", "closure-ends_on": "2027-08-02"},
        "closure-ends_on",
        "précède le premier",
    ),
    ("users", {"user-name": "Accueil", "user-email": "pas-un-email"}, "user-email", "e-mail"),
]
TOUCHED = (CoverageWindow, DeskNumber, Contact, AppointmentType, OpeningHours, Closure, User)


@pytest.mark.parametrize(("path", "data", "field", "words"), BAD)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    client: FlaskClient,
    auth: AuthActions,
    db: Database,
    own: int,
    path: str,
    data: dict[str, Any],
    field: str,
    words: str,
) -> None:
    auth.login(LOGINS["admin"])
    with db.session() as s:
        first = s.scalar(select(Practitioner.id).where(Practitioner.client_id == own))
    if path == "hours":
        data = {**data, "hours-practitioner": str(first)}
    before = {m.__name__: _count(db, m) for m in TOUCHED}
    audits = _count(db, AuditEvent)
    response = post(client, f"/desk/clients/{own}/{path}", data)
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert f'id="{field}-error"' in page
    assert words in page
    assert {m.__name__: _count(db, m) for m in TOUCHED} == before
    assert _count(db, AuditEvent) == audits


def test_a_new_client_by_copying_takes_the_rules_not_the_numbers_nor_the_people(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    assert _new(client, name="Cabinet du Parc 2", copy_from=str(own)).status_code == 302
    with db.session() as s:
        source = s.get(Client, own)
        copy = s.scalar(select(Client).where(Client.slug == "cabinet-du-parc-2"))
        assert source is not None and copy is not None
        assert (copy.greeting, copy.fiche) == (source.greeting, source.fiche)
        assert len(copy.coverage_windows) == len(source.coverage_windows) > 0
        assert copy.desk_numbers == [] and copy.practitioners == [] and copy.contacts == []
        types = s.scalar(select(func.count()).where(AppointmentType.client_id == copy.id))
        assert types and types > 0


def test_a_duplicate_short_name_is_refused(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    response = _new(client, name="Autre", slug="cabinet-du-parc")
    assert response.status_code == 400
    assert 'id="slug-error"' in response.get_data(as_text=True)
    assert _count(db, Client) == 1


def test_an_archived_client_is_kept_but_never_routed(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    client.get(f"/desk/clients/{own}")
    assert post(client, f"/desk/clients/{own}/archive").status_code == 302
    with db.session() as s:
        archived = s.get(Client, own)
        assert archived is not None and archived.archived_at is not None and not archived.active
    assert 'data-client="cabinet-du-parc"' not in client.get("/desk/clients/").get_data(
        as_text=True
    )
    from desk.calls.new_call import client_on_number

    now = datetime.now(UTC)
    with db.session() as s:
        assert client_on_number(s, "CAarchived", "+33199001234", now) == []
    assert post(client, f"/desk/clients/{own}/restore").status_code == 302
    with db.session() as s:
        assert client_on_number(s, "CAarchived", "+33199001234", now) != []


def test_a_type_offered_by_one_practitioner_cannot_be_booked_with_another(
    db: Database, own: int
) -> None:
    from desk.base.errors import DomainError
    from desk.clients.practice import add_appointment_type
    from scheduling.availability import load_scope

    with db.session() as s:
        first, second = s.scalars(
            select(Practitioner).where(Practitioner.client_id == own).order_by(Practitioner.id)
        ).all()[:2]
        source = s.get(Client, own)
        assert source is not None
        kind = add_appointment_type(s, source, "Implant", 60, 0, [first.id])
        assert load_scope(s, own, first.id, kind.id).practitioner.id == first.id
        with pytest.raises(DomainError) as refused:
            load_scope(s, own, second.id, kind.id)
    assert refused.value.code == "type_not_offered"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Cabinet X", "timezone": "Europe/Lyon"}, "timezone"),
        ({"name": "Cabinet X", "holiday_policy": "sometimes"}, "holiday_policy"),
        ({"name": "", "slug": "x"}, "name"),
    ],
)
def test_a_bad_new_client_is_explained_and_not_created(
    client: FlaskClient,
    auth: AuthActions,
    db: Database,
    own: int,
    data: dict[str, str],
    field: str,
) -> None:
    auth.login(LOGINS["admin"])
    response = _new(client, **data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert _count(db, Client) == 1


def test_a_bad_fiche_is_explained_and_not_saved(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    client.get(f"/desk/clients/{own}")
    fiche = {
        "fiche-name": "Nouveau nom",
        "fiche-after_hours_mode": "voicemail",
        "fiche-message_delivery": "immediate",
        "fiche-holiday_policy": "closed",
        "fiche-min_notice_minutes": "120",
        "fiche-cancel_cutoff_minutes": "240",
        "fiche-emergency_number": "pas un numéro",
    }
    response = post(client, f"/desk/clients/{own}", fiche)
    assert response.status_code == 400
    assert 'id="fiche-emergency_number-error"' in response.get_data(as_text=True)
    with db.session() as s:
        row = s.get(Client, own)
        assert row is not None and row.name != "Nouveau nom"
