"""Login: throttled per account and per address, no user enumeration, logout for real."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from desk.app import create_app
from desk.base.config import Settings, load_settings
from desk.base.db import Database
from desk.base.passwords import hash_password
from desk.models import User
from tests.conftest import AuthActions, test_overrides

CLAIRE = "claire@permanence.test"


def test_ten_wrong_passwords_block_the_account_even_for_the_right_one(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    for _ in range(10):
        assert auth.login(CLAIRE, "wrong").status_code == 401
    blocked = auth.login(CLAIRE, "permanence")
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"]
    assert "Trop de tentatives" in blocked.get_data(as_text=True)
    assert client.get("/desk/").status_code == 302  # not logged in


def test_another_account_from_elsewhere_is_not_blocked_by_that(
    app: Flask, auth: AuthActions, demo: str
) -> None:
    for _ in range(10):
        auth.login(CLAIRE, "wrong")
    other = AuthActions(app.test_client())
    other.client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert other.login("sophie@permanence.test").status_code == 302


def test_thirty_failures_from_one_address_block_it_for_every_account(
    auth: AuthActions, demo: str
) -> None:
    for n in range(30):
        auth.login(f"nobody{n}@example.test", "wrong")
    assert auth.login(CLAIRE, "permanence").status_code == 429


def test_an_unknown_email_costs_a_password_check_like_a_known_one(
    auth: AuthActions, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desk.web.auth as auth_module

    checked: list[str] = []
    real = auth_module.check_password

    def spy(hashed: str, password: str) -> bool:
        checked.append(hashed.split("$", 1)[0])
        return real(hashed, password)

    monkeypatch.setattr(auth_module, "check_password", spy)
    auth.login("nobody@example.test", "whatever")
    auth.login(CLAIRE, "wrong")
    assert len(checked) == 2 and checked[0] == checked[1]  # same scheme, same work


def _saved_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_session_cookie_saved_before_logout_no_longer_works(
    client: FlaskClient, auth: AuthActions, demo: str
) -> None:
    auth.login(CLAIRE)
    saved = _saved_cookie(client)
    assert client.get("/desk/").status_code == 200
    auth.logout()
    client.set_cookie("session", saved)
    assert client.get("/desk/").status_code == 302


def test_a_password_change_ends_the_other_sessions(
    client: FlaskClient, auth: AuthActions, demo: str, db: Database
) -> None:
    auth.login(CLAIRE)
    assert client.get("/desk/").status_code == 200
    with db.session() as s:
        user = s.scalar(select(User).where(User.email == CLAIRE))
        assert user is not None
        user.password_hash = hash_password("a new one")
    assert client.get("/desk/").status_code == 302


def test_with_redis_storage_two_workers_share_the_counts(
    db: Database, tmp_path: Path, demo: str
) -> None:
    # Two apps = two gunicorn workers; the count must not restart in the second one.
    def worker(name: str) -> Flask:
        settings: Settings = load_settings(
            environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
            overrides=test_overrides(
                db.url,
                tmp_path / name,
                server={"rate_limit_storage": "redis://127.0.0.1:6379/15"},
            ),
        )
        app = create_app(settings)
        app.config["TESTING"] = True
        return app

    first, second = worker("a"), worker("b")
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    email = f"guess-{uuid.uuid4().hex}@example.test"
    one = AuthActions(first.test_client())
    two = AuthActions(second.test_client())
    one.client.environ_base["REMOTE_ADDR"] = address
    two.client.environ_base["REMOTE_ADDR"] = address
    try:
        for _ in range(5):
            one.login(email, "wrong")
            two.login(email, "wrong")
        assert two.login(email, "wrong").status_code == 429
    finally:
        for app in (first, second):
            app.extensions["desk.db"].dispose()
