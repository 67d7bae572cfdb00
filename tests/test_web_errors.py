"""Error pages in the desk's layout and the reader's language; machines keep theirs."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.helpers.web import LOGINS


def test_a_missing_page_is_a_french_page_in_the_desk_layout(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    auth.login(LOGINS["secretary"])
    response = client.get("/desk/nowhere")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Cette page n'existe pas" in page and 'class="topbar"' in page
    assert "Not Found" not in page


def test_a_forbidden_page_is_a_desk_page_that_says_so(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    auth.login(LOGINS["secretary"])
    response = client.get("/desk/clients/")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert 'data-status="403"' in page and "Vous n'avez pas accès à cette page" in page


def test_a_crash_is_logged_and_shown_as_a_desk_page(
    app: Flask, client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/desk/boom", "boom", boom)
    auth.login(LOGINS["secretary"])
    response = client.get("/desk/boom")
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.get_data(as_text=True)


def test_the_api_and_webhooks_keep_their_own_error_answers(client: FlaskClient) -> None:
    assert client.get("/api/v1/nowhere").mimetype != "text/html" or (
        "topbar" not in client.get("/api/v1/nowhere").get_data(as_text=True)
    )
    assert "topbar" not in client.get("/webhooks/nowhere").get_data(as_text=True)
