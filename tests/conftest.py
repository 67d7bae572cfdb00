"""Fixtures: real databases (SQLite always; PostgreSQL when DESK_TEST_DATABASE_URL is set).

Every test that asks for `db` (or anything built on it: `app`, `client`, `session`,
`demo`) runs once per backend. The schema is migrated once per backend and run; each
test starts from what the migrations made, or from the demo desk loaded once per backend
(tests/helpers/database.py). PostgreSQL gets a database of its own per test run, so
concurrent runs on one server do not see each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from desk.app import create_app
from desk.base.config import Settings, load_settings
from desk.base.db import Database
from desk.request_context import set_clock
from tests.helpers.collector import freeze_what_lasts
from tests.helpers.compiled import share_compiled_code
from tests.helpers.database import demo_desk, demo_id, drop_database_later, empty, migrated
from tests.helpers.scrypt import remember_scrypt
from tests.helpers.web import csrf_token

# Fixtures defined in helper modules, seen by every test without importing them by name
# (pytest reads `pytest_plugins` only in this top-level conftest).
pytest_plugins = ["tests.helpers.caldav_servers"]

# Each test builds its own app; they compile their URL builders and templates once per
# process (tests/helpers/compiled.py). Logins check the same passwords against the same
# hashes: each scrypt key is computed once per process (tests/helpers/scrypt.py).
share_compiled_code()
remember_scrypt()

PG_ENV = "DESK_TEST_DATABASE_URL"
TWILIO_AUTH_TOKEN = "test-auth-token-0123456789abcdef"
TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000000"
PUBLIC_BASE_URL = "https://desk.example.test"

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    result = yield
    # Between two modules, what outlives the tests is frozen out of the garbage
    # collector's full sweeps (tests/helpers/collector.py).
    if nextitem is None or getattr(nextitem, "module", None) is not getattr(item, "module", None):
        freeze_what_lasts()
    return result


@pytest.fixture(scope="session")
def _databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Database]]:
    made: dict[str, Database] = {}
    sqlite_path = tmp_path_factory.mktemp("db") / "desk.sqlite3"
    made["sqlite"] = migrated(f"sqlite:///{sqlite_path}")
    pg_admin = None
    pg_name = None
    if "postgresql" in BACKENDS:
        base = make_url(os.environ[PG_ENV])
        pg_name = f"desk_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        # Fail loudly if PostgreSQL was asked for and cannot be reached: never skip.
        pg_admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with pg_admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
        made["postgresql"] = migrated(base.set(database=pg_name).render_as_string(False))
    yield made
    for db in made.values():
        db.dispose()
    if pg_admin is not None:
        pg_admin.dispose()
        # Dropped by a process of its own, not awaited: DROP DATABASE waits for a
        # checkpoint of the whole server (5 to 30 s on a busy machine) and nothing after
        # the run needs it gone.
        drop_database_later(os.environ[PG_ENV], str(pg_name))


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, _databases: dict[str, Database]) -> Iterator[Database]:
    database = _databases[request.param]
    empty(database)
    yield database


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    s = db.Session()
    yield s
    s.rollback()
    s.close()


def test_overrides(db_url: str, instance: Path, **extra: Any) -> dict[str, dict[str, Any]]:
    """Settings overrides for a test app; `extra` merges by section."""
    overrides: dict[str, dict[str, Any]] = {
        "server": {
            "secret_key": "test-secret-key",
            "instance_path": str(instance),
            "public_base_url": PUBLIC_BASE_URL,
        },
        "database": {"url": db_url},
        "twilio": {"auth_token": TWILIO_AUTH_TOKEN, "account_sid": TWILIO_ACCOUNT_SID},
        "scheduler": {"enabled": False},
        "fallback": {"numbers": ["+33612000099"]},
    }
    for section, keys in extra.items():
        overrides.setdefault(section, {}).update(keys)
    return overrides


test_overrides.__test__ = False  # type: ignore[attr-defined]  # not a test, despite the name


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    # No config.toml and no environment: a developer's own settings never leak into tests.
    return load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "no-config.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance"),
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.extensions["desk.db"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def demo(db: Database, settings: Settings) -> str:
    """Load the demo desk; returns what `desk demo` prints."""
    return demo_desk(db, settings)


@pytest.fixture
def own(demo: str, db: Database) -> int:
    """`demo_id` of the loaded demo."""
    with db.session() as s:
        return demo_id(s)


def pin_clock(app: Flask, at: datetime) -> None:
    """Make the app believe it is `at` (aware)."""
    assert at.tzinfo is not None
    set_clock(app, lambda: at.astimezone(UTC))


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = "permanence") -> Any:
        self.client.get("/desk/login")
        token = csrf_token(self.client)
        return self.client.post(
            "/desk/login", data={"email": email, "password": password, "csrf_token": token}
        )

    def logout(self) -> Any:
        self.client.get("/desk/")
        return self.client.post("/desk/logout", data={"csrf_token": csrf_token(self.client)})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)
