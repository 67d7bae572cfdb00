"""Attack (issue 26): guessing passwords on two workers with no Redis configured. The
counts are the database's, so ten wrong passwords block the account on every worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from desk.models import LoginFailure
from tests.conftest import AuthActions, test_overrides
from tests.helpers.attacks import race

CLAIRE = "claire@permanence.test"
ADDRESS = "198.51.100.23"


@pytest.fixture
def workers(db: Database, tmp_path: Path, demo: str) -> Iterator[list[Flask]]:
    """Two apps on one database, as two gunicorn workers, with the default settings."""
    made = []
    for name in ("a", "b"):
        settings = load_settings(
            environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
            overrides=test_overrides(db.url, tmp_path / name),
        )
        assert settings["server.rate_limit_storage"] == ""
        app = create_app(settings)
        app.config["TESTING"] = True
        made.append(app)
    yield made
    for app in made:
        app.extensions["desk.db"].dispose()


def _browser(app: Flask) -> AuthActions:
    browser = AuthActions(app.test_client())
    browser.client.environ_base["REMOTE_ADDR"] = ADDRESS
    return browser


def test_ten_wrong_passwords_over_two_workers_block_the_account_on_both(
    workers: list[Flask],
) -> None:
    one, two = (_browser(app) for app in workers)
    for _ in range(5):
        assert one.login(CLAIRE, "wrong").status_code == 401
        assert two.login(CLAIRE, "wrong").status_code == 401
    assert one.login(CLAIRE, "permanence").status_code == 429
    assert two.login(CLAIRE, "permanence").status_code == 429


def test_twenty_wrong_passwords_at_once_on_two_workers_are_all_counted(
    workers: list[Flask], db: Database
) -> None:
    browsers = [_browser(workers[i % 2]) for i in range(20)]
    codes, errors = race(20, lambda i: int(browsers[i].login(CLAIRE, "wrong").status_code))
    assert errors == [] and set(codes) <= {401, 429}
    with db.session() as session:
        counted = session.scalar(
            select(LoginFailure.failures).where(LoginFailure.key.endswith(CLAIRE))
        )
    # Every try that got through to the password check was counted (none lost to a race).
    assert counted == codes.count(401) >= 10
    assert all(_browser(app).login(CLAIRE, "permanence").status_code == 429 for app in workers)
