from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.models import Client, CoverageWindow, DeskNumber
from tests.conftest import AuthActions
from tests.helpers import html
from tests.helpers.web import LOGINS, post


def test_the_admin_adds_a_desk_number_typed_the_french_way_and_it_is_stored_in_e164(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    response = post(
        client,
        f"/desk/clients/{own}/numbers",
        {"number-number": "01 99 00 56 78", "number-label": "Bis"},
    )
    assert response.status_code == 302
    with db.session() as s:
        numbers = s.scalars(select(DeskNumber.number).where(DeskNumber.client_id == own)).all()
    assert "+33199005678" in numbers
    assert "01 99 00 56 78" in client.get(f"/desk/clients/{own}").get_data(as_text=True)


def test_a_wrong_number_is_refused_with_the_error_next_to_the_field(
    client: FlaskClient, auth: AuthActions, own: int
) -> None:
    auth.login(LOGINS["admin"])
    response = post(client, f"/desk/clients/{own}/numbers", {"number-number": "12"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="number-number-error"' in page
    assert "n&#39;est pas un numéro" in page or "n'est pas un numéro" in page


def test_the_admin_edits_the_fiche_and_secretaries_read_it(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    form = {
        "fiche-name": "Cabinet dentaire du Parc",
        "fiche-greeting": "Cabinet du Parc, bonjour !",
        "fiche-fiche": "Toujours demander la mutuelle.",
        "fiche-after_hours_mode": "voicemail",
        "fiche-after_hours_message": "",
        "fiche-emergency_number": "15",
        "fiche-message_delivery": "digest",
        "fiche-min_notice_minutes": "60",
        "fiche-cancel_cutoff_minutes": "240",
        "fiche-queue_max_wait_seconds": "90",
    }
    assert post(client, f"/desk/clients/{own}", form).status_code == 302
    with db.session() as s:
        saved = s.get(Client, own)
        assert saved is not None
        assert saved.fiche == "Toujours demander la mutuelle."
        assert saved.queue_max_wait_seconds == 90
        assert saved.emergency_number == "15"
        assert saved.message_delivery == "digest"
        assert saved.privacy_mode is False  # unticked box
    auth.logout()
    auth.login(LOGINS["secretary"])
    fiche = client.get(f"/desk/clients/{own}/fiche").get_data(as_text=True)
    assert "Toujours demander la mutuelle." in fiche
    assert "Cabinet du Parc, bonjour !" in fiche


def test_coverage_windows_are_added_and_removed(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    refused = post(
        client,
        f"/desk/clients/{own}/coverage",
        {"coverage-start": "08:00", "coverage-end": "09:00"},
    )
    assert refused.status_code == 400
    assert "au moins un jour" in refused.get_data(as_text=True)
    added = post(
        client,
        f"/desk/clients/{own}/coverage",
        {"coverage-weekdays": ["6"], "coverage-start": "10:00", "coverage-end": "12:00"},
    )
    assert added.status_code == 302
    with db.session() as s:
        window = s.scalar(select(CoverageWindow).where(CoverageWindow.weekdays == "6"))
        assert window is not None
    assert post(client, f"/desk/clients/{own}/coverage/{window.id}/delete").status_code == 302
    with db.session() as s:
        assert s.get(CoverageWindow, window.id) is None


def test_the_demo_fiche_saved_unchanged_is_accepted_with_its_emergency_number(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    with db.session() as s:
        stored = s.get(Client, own)
        assert stored is not None and stored.emergency_number == "+33115"  # as the demo has it
    auth.login(LOGINS["admin"])
    page = html.page(client.get(f"/desk/clients/{own}"))
    (form,) = page.xpath(f'//form[@action="/desk/clients/{own}"]')
    fields = dict(form.form_values())
    assert fields["fiche-emergency_number"]
    saved = client.post(f"/desk/clients/{own}", data=fields)
    assert saved.status_code == 302, html.texts(html.page(saved), '//*[@class="error"]')
    with db.session() as s:
        kept = s.get(Client, own)
        assert kept is not None and kept.emergency_number == "115"
