"""People: secretaries added and invited (one-time link), trainings, deactivated (never rung
again, cannot log in, rota and history kept)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desk.base.db import Database
from desk.models import Outbox, Secretary, Shift, Training, User
from tests.conftest import AuthActions, pin_clock
from tests.helpers import html
from tests.helpers.routing import CLAIRE, dialled, paris, twiml
from tests.helpers.twilio import fixture, signed_post
from tests.helpers.web import LOGINS, post

NOW = paris(2027, 3, 30, 9, 0)


def _link(db: Database, email: str) -> str:
    with db.session() as s:
        body = s.scalar(
            select(Outbox.body)
            .where(Outbox.channel == "email", Outbox.recipient == email)
            .order_by(Outbox.id.desc())
        )
    assert body is not None
    found = re.search(r"https?://\S+/desk/password/\S+", body)
    assert found is not None, body
    return found.group(0)


def _path(link: str) -> str:
    return link[link.index("/desk/") :]


def test_a_secretary_is_added_invited_and_sets_her_password_once(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, demo: str
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    client.get("/desk/people/")
    response = post(
        client,
        "/desk/people/",
        {"name": "Léa Martin", "phone": "06 12 00 00 42", "email": "Lea@Example.fr", "invite": "y"},
    )
    assert response.status_code == 302
    link = _link(db, "lea@example.fr")
    auth.logout()
    page = client.get(_path(link))
    assert page.status_code == 200 and "lea@example.fr" in page.get_data(as_text=True)
    short = post(client, _path(link), {"password": "court", "confirm": "court"})
    assert short.status_code == 400 and 'id="password-error"' in short.get_data(as_text=True)
    done = post(client, _path(link), {"password": "lea-secret-42", "confirm": "lea-secret-42"})
    assert done.status_code == 302
    auth.logout()
    assert client.get(_path(link)).status_code == 404  # used once
    assert auth.login("lea@example.fr", "lea-secret-42").status_code == 302


def test_an_expired_link_does_not_work(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, demo: str
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    client.get("/desk/people/")
    post(
        client,
        "/desk/people/",
        {"name": "Léa", "phone": "0612000042", "email": "lea@ex.fr", "invite": "y"},
    )
    link = _link(db, "lea@ex.fr")
    auth.logout()
    pin_clock(app, NOW + timedelta(days=8))
    assert client.get(_path(link)).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Léa", "phone": "12", "email": ""}, "phone"),
        ({"name": "Léa", "phone": "0612000042", "email": "pas-un-email"}, "email"),
        ({"name": "Léa", "phone": "0612000042", "email": "claire@permanence.test"}, "email"),
        ({"name": "", "phone": "0612000042", "email": ""}, "name"),
    ],
)
def test_bad_people_input_is_explained_and_nothing_is_saved(
    client: FlaskClient,
    auth: AuthActions,
    db: Database,
    demo: str,
    data: dict[str, str],
    field: str,
) -> None:
    auth.login(LOGINS["admin"])
    client.get("/desk/people/")
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(Secretary))
    response = post(client, "/desk/people/", data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Secretary)) == before
        assert s.scalar(select(func.count()).select_from(Outbox)) == 0


def test_trainings_and_overflow_ranks_are_saved(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    with db.session() as s:
        ines = s.scalar(select(Secretary).where(Secretary.name == "Inès"))
        assert ines is not None
        ines_id = ines.id
    client.get(f"/desk/people/{ines_id}")
    bad = post(
        client, f"/desk/people/{ines_id}/trainings", {f"train-{own}": "y", f"rank-{own}": "x"}
    )
    assert bad.status_code == 400 and 'id="trainings-error"' in bad.get_data(as_text=True)
    ok = post(
        client, f"/desk/people/{ines_id}/trainings", {f"train-{own}": "y", f"rank-{own}": "2"}
    )
    assert ok.status_code == 302
    with db.session() as s:
        rank = s.scalar(select(Training.overflow_rank).where(Training.secretary_id == ines_id))
    assert rank == 2


def test_a_deactivated_secretary_is_never_rung_and_cannot_log_in(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, demo: str
) -> None:
    lunch = paris(2027, 3, 30, 12, 41)
    pin_clock(app, lunch)
    root = twiml(
        signed_post(client, "/webhooks/voice/incoming", fixture("voice-incoming-forwarded"))
    )
    assert CLAIRE in dialled(root)
    auth.login(LOGINS["admin"])
    with db.session() as s:
        claire = s.scalar(select(Secretary).where(Secretary.name == "Claire"))
        assert claire is not None
        claire_id = claire.id
        shifts = s.scalar(select(func.count()).where(Shift.secretary_id == claire_id))
    client.get(f"/desk/people/{claire_id}")
    assert post(client, f"/desk/people/{claire_id}/deactivate").status_code == 302
    auth.logout()
    assert auth.login(LOGINS["secretary"]).status_code == 401
    again = fixture("voice-incoming-forwarded", CallSid="CA" + "7" * 32)
    root = twiml(signed_post(client, "/webhooks/voice/incoming", again))
    assert CLAIRE not in (dialled(root) if root.findall("Dial") else [])
    with db.session() as s:
        assert s.scalar(select(func.count()).where(Shift.secretary_id == claire_id)) == shifts
        user = s.scalar(select(User).where(User.secretary_id == claire_id))
        assert user is not None and not user.active


def test_a_practice_login_is_invited_from_the_clients_page_and_lands_on_its_portal(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    client.get(f"/desk/clients/{own}")
    response = post(
        client, f"/desk/clients/{own}/users", {"user-name": "Dr Martin", "user-email": "dr@parc.fr"}
    )
    assert response.status_code == 302
    link = _link(db, "dr@parc.fr")
    auth.logout()
    client.get(_path(link))
    post(client, _path(link), {"password": "docteur-2027", "confirm": "docteur-2027"})
    assert client.get("/desk/").headers["Location"].endswith("/desk/portal/")
    assert client.get("/desk/portal/").status_code == 200


def test_a_password_reset_link_replaces_the_old_password(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, demo: str
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    with db.session() as s:
        claire = s.scalar(select(Secretary).where(Secretary.name == "Claire"))
        assert claire is not None
        claire_id = claire.id
    client.get(f"/desk/people/{claire_id}")
    assert post(client, f"/desk/people/{claire_id}/reset").status_code == 302
    link = _link(db, LOGINS["secretary"])
    auth.logout()
    client.get(_path(link))
    post(client, _path(link), {"password": "nouveau-secret", "confirm": "nouveau-secret"})
    auth.logout()
    assert auth.login(LOGINS["secretary"]).status_code == 401
    assert auth.login(LOGINS["secretary"], "nouveau-secret").status_code == 302


def test_the_outbox_says_an_invitation_was_sent_but_never_shows_its_link(
    app: Flask, client: FlaskClient, auth: AuthActions, db: Database, demo: str
) -> None:
    pin_clock(app, NOW)
    auth.login(LOGINS["admin"])
    post(
        client,
        "/desk/people/",
        {"name": "Léa Martin", "phone": "06 12 00 00 42", "email": "lea@example.fr", "invite": "y"},
    )
    link = _link(db, "lea@example.fr")  # in the e-mail it sends
    with db.session() as s:
        (row,) = s.scalars(select(Outbox.id).where(Outbox.recipient == "lea@example.fr"))
    page = html.page(client.get("/desk/outbox/"))
    (text,) = html.texts(page, f'//tr[@data-outbox="{row}"]/td[7]')
    assert "/desk/password/" not in text and _path(link) not in page.text_content()
    assert "réservé à son destinataire" in text
