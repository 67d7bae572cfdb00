from flask.testing import FlaskClient

from tests.conftest import AuthActions


def test_desk_pages_redirect_to_login(client: FlaskClient, demo: str) -> None:
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/desk/login")


def test_login_then_see_the_clients_one_may_see(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    response = auth.login("claire@permanence.test")
    assert response.status_code == 302
    page = client.get("/desk/").get_data(as_text=True)
    assert 'data-client="cabinet-du-parc"' in page


def test_wrong_password_is_refused_with_a_french_message(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    response = auth.login("claire@permanence.test", "wrong")
    assert response.status_code == 401
    assert "mot de passe incorrect" in response.get_data(as_text=True)
    assert client.get("/desk/").status_code == 302


def test_login_form_without_csrf_token_is_refused(client: FlaskClient, demo: str) -> None:
    response = client.post(
        "/desk/login", data={"email": "claire@permanence.test", "password": "permanence"}
    )
    assert response.status_code == 400
    assert client.get("/desk/").status_code == 302


def test_english_from_the_browser_language(client: FlaskClient, demo: str) -> None:
    page = client.get("/desk/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Log in" in page.get_data(as_text=True)
    page = client.get("/desk/login", headers={"Accept-Language": "fr-FR"})
    assert "Se connecter" in page.get_data(as_text=True)


def test_logout(client: FlaskClient, auth: AuthActions, demo: str) -> None:
    auth.login("sophie@permanence.test")
    assert client.get("/desk/").status_code == 200
    auth.logout()
    assert client.get("/desk/").status_code == 302


def test_switching_to_english_sticks_to_the_user(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    from tests.helpers.web import csrf_token

    auth.login("claire@permanence.test")
    assert "Se déconnecter" in client.get("/desk/").get_data(as_text=True)
    response = client.post(
        "/desk/language",
        data={"locale": "en", "next": "/desk/", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk/"
    assert "Log out" in client.get("/desk/").get_data(as_text=True)
    auth.logout()
    auth.login("claire@permanence.test")
    with client.session_transaction() as sess:
        sess.pop("locale", None)
    assert "Log out" in client.get("/desk/").get_data(as_text=True)
