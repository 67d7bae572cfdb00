from flask import Flask
from flask.testing import FlaskClient

from desk.app import create_app
from desk.base.config import load_settings


def test_healthz_answers(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_reports_database_and_migration(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["migration"] == response.json["head"]


def test_readyz_fails_when_the_database_is_gone(app: Flask, tmp_path) -> None:
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides={
            "server": {"instance_path": str(tmp_path / "i"), "secret_key": "k"},
            "database": {"url": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
        },
    )
    gone = create_app(settings).test_client()
    response = gone.get("/readyz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_readyz_never_shows_the_drivers_error_text(tmp_path) -> None:
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides={
            "server": {"instance_path": str(tmp_path / "i"), "secret_key": "k"},
            "database": {"url": "postgresql+psycopg://secretuser@127.0.0.1:1/secretdb"},
        },
    )
    response = create_app(settings).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    text = response.get_data(as_text=True)
    for leaked in ("secretuser", "secretdb", "127.0.0.1", ":1", "psycopg"):
        assert leaked not in text
