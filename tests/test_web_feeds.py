"""A client's fiche (admin): feed addresses to copy, rotate and revoke; API keys shown once."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from desk.base.db import Database
from desk.models import ApiKey, FeedToken, Practitioner
from tests.conftest import AuthActions
from tests.helpers.html import one, parse
from tests.helpers.web import LOGINS, demo_id, other_tenant, post

API_LIST = "/api/v1/appointments?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z"


def live_tokens(db: Database, client_id: int) -> list[FeedToken]:
    with db.session() as s:
        return list(
            s.scalars(
                select(FeedToken).where(
                    FeedToken.client_id == client_id, FeedToken.revoked_at.is_(None)
                )
            )
        )


def test_the_admin_sees_the_demo_feed_address_ready_to_copy(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    (token,) = live_tokens(db, own)
    auth.login(LOGINS["admin"])
    page = client.get(f"/desk/clients/{own}").get_data(as_text=True)
    assert f'value="https://desk.example.test/feeds/{token.token}.ics"' in page
    assert "Copier" in page


def test_rotating_a_feed_kills_the_old_address_and_shows_a_new_one(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    (old,) = live_tokens(db, own)
    assert client.get(f"/feeds/{old.token}.ics").status_code == 200
    auth.login(LOGINS["admin"])
    response = post(client, f"/desk/clients/{own}/feeds/{old.id}/rotate")
    assert response.status_code == 302
    (new,) = live_tokens(db, own)
    assert new.token != old.token
    assert client.get(f"/feeds/{old.token}.ics").status_code == 404
    assert client.get(f"/feeds/{new.token}.ics").status_code == 200
    page = client.get(f"/desk/clients/{own}").get_data(as_text=True)
    assert new.token in page and old.token not in page


def test_a_practitioners_feed_is_created_then_revoked(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    with db.session() as s:
        own = demo_id(s)
        leroy = s.scalar(select(Practitioner.id).where(Practitioner.name == "Dr Anne Leroy"))
    auth.login(LOGINS["admin"])
    assert (
        post(client, f"/desk/clients/{own}/feeds", {"feed-practitioner": leroy}).status_code == 302
    )
    (made,) = [t for t in live_tokens(db, own) if t.practitioner_id == leroy]
    assert client.get(f"/feeds/{made.token}.ics").status_code == 200
    assert post(client, f"/desk/clients/{own}/feeds/{made.id}/revoke").status_code == 302
    assert client.get(f"/feeds/{made.token}.ics").status_code == 404
    assert "Flux révoqué." in client.get(f"/desk/clients/{own}").get_data(as_text=True)


def test_a_new_api_key_is_shown_once_works_on_the_api_and_dies_when_revoked(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    auth.login(LOGINS["admin"])
    response = post(client, f"/desk/clients/{own}/apikeys", {"apikey-label": "Agenda en ligne"})
    assert response.status_code == 200
    key = one(parse(response), '//input[@id="api-key-value"]').get("value")
    assert key.startswith("pk_")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get(API_LIST, headers=headers).status_code == 200
    again = client.get(f"/desk/clients/{own}").get_data(as_text=True)
    assert key not in again and "Agenda en ligne" in again
    with db.session() as s:
        key_id = s.scalars(select(ApiKey.id).where(ApiKey.client_id == own)).one()
    assert post(client, f"/desk/clients/{own}/apikeys/{key_id}/revoke").status_code == 302
    assert client.get(API_LIST, headers=headers).status_code == 401


def test_another_clients_token_or_key_cannot_be_touched_through_this_client(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    other = other_tenant(db)
    (token,) = live_tokens(db, own)
    auth.login(LOGINS["admin"])
    assert post(client, f"/desk/clients/{other}/feeds/{token.id}/revoke").status_code == 404
    assert client.get(f"/feeds/{token.token}.ics").status_code == 200


def test_the_buttons_refuse_a_post_without_a_csrf_token(
    client: FlaskClient, auth: AuthActions, db: Database, own: int
) -> None:
    (token,) = live_tokens(db, own)
    auth.login(LOGINS["admin"])
    assert client.post(f"/desk/clients/{own}/feeds/{token.id}/revoke").status_code == 400
    assert client.get(f"/feeds/{token.token}.ics").status_code == 200
