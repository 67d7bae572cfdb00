import re
from pathlib import Path

import pytest

from desk.base.config import ConfigError, database_url, load_settings, secret_key


def settings_from(tmp_path: Path, toml: str = "", **env: str):
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    return load_settings(path, environ={**env})


def test_no_config_at_all_gives_sqlite_in_instance_and_console_sms(tmp_path: Path) -> None:
    s = load_settings(
        environ={
            "DESK_CONFIG": str(tmp_path / "none.toml"),
            "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    assert database_url(s) == f"sqlite:///{tmp_path / 'instance' / 'desk.sqlite3'}"
    assert s["twilio.provider"] == "console"
    key = secret_key(s)
    assert len(key) > 40
    assert secret_key(s) == key  # persisted, not regenerated
    # Console mode signs webhooks with a local token, the same at every start.
    token = s["twilio.auth_token"]
    assert len(token) > 40
    again = load_settings(
        environ={
            "DESK_CONFIG": str(tmp_path / "none.toml"),
            "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    assert again["twilio.auth_token"] == token


def test_unknown_key_in_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"twilio\.auth_tokn"):
        settings_from(tmp_path, "[twilio]\nauth_tokn = 'x'\n")


def test_unknown_section_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[sms\]"):
        settings_from(tmp_path, "[sms]\nx = 1\n")


def test_wrong_type_in_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"server\.port: expected an integer"):
        settings_from(tmp_path, "[server]\nport = 'five thousand'\n")


def test_bad_boolean_in_environment_is_an_error_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DESK_SCHEDULER_ENABLED"):
        settings_from(tmp_path, DESK_SCHEDULER_ENABLED="maybe")


def test_unknown_environment_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DESK_TWILIO_AUTHTOKEN"):
        settings_from(tmp_path, DESK_TWILIO_AUTHTOKEN="x")


def test_environment_overrides_file(tmp_path: Path) -> None:
    s = settings_from(
        tmp_path,
        "[database]\nurl = 'sqlite:///file.db'\n[server]\nport = 8000\n",
        DESK_DATABASE_URL="postgresql+psycopg://db/desk",
        DESK_SERVER_PORT="9000",
        DESK_SERVER_PUBLIC_BASE_URL="https://desk.example.fr/",
    )
    assert s["database.url"] == "postgresql+psycopg://db/desk"
    assert s["server.port"] == 9000
    assert s["server.public_base_url"] == "https://desk.example.fr"


def test_list_in_environment_is_comma_separated_and_normalised(tmp_path: Path) -> None:
    s = settings_from(tmp_path, DESK_FALLBACK_NUMBERS="06 12 00 00 01, +33612000002")
    assert s["fallback.numbers"] == ["+33612000001", "+33612000002"]


def test_invalid_fallback_number_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"fallback\.numbers"):
        settings_from(tmp_path, "[fallback]\nnumbers = ['not a number']\n")


def test_secret_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("s3cret-token\n", encoding="utf-8")
    s = settings_from(
        tmp_path,
        "[twilio]\nprovider = 'twilio'\naccount_sid = 'AC1'\n",
        DESK_TWILIO_AUTH_TOKEN_FILE=str(secret),
    )
    assert s["twilio.auth_token"] == "s3cret-token"


def test_twilio_provider_requires_credentials(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"twilio\.account_sid"):
        settings_from(tmp_path, "[twilio]\nprovider = 'twilio'\n")


def test_example_config_is_valid_and_documents_every_key(tmp_path: Path) -> None:
    from desk.base.config_keys import DEFAULTS

    example = Path(__file__).parent.parent / "config.example.toml"
    load_settings(example, environ={})
    text = example.read_text(encoding="utf-8")
    for section, keys in DEFAULTS.items():
        assert f"[{section}]" in text
        for key in keys:
            assert f"{key} =" in text, f"{section}.{key} is not documented"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("server.log_level", "LOUD", "server.log_level: expected one of"),
        ("server.port", 99999, "server.port: must be between 1 and 65535"),
        ("server.workers", 0, "server.workers: must be between 1 and 64"),
        ("server.default_locale", "xx", "server.default_locale: expected 'fr' or 'en'"),
        ("scheduler.outbox_seconds", -5, "scheduler.outbox_seconds: must be between"),
        ("scheduler.busy_import_minutes", 0, "scheduler.busy_import_minutes: must be between"),
        ("server.rate_limit_storage", "mongodb://x", "server.rate_limit_storage"),
    ],
)
def test_a_bad_value_stops_start_up_with_one_message_naming_it(
    tmp_path: Path, key: str, value: object, words: str
) -> None:
    section, name = key.split(".")
    overrides = {"server": {"instance_path": str(tmp_path / "i")}}
    overrides.setdefault(section, {})[name] = value  # type: ignore[index]
    with pytest.raises(ConfigError, match=re.escape(words)):
        load_settings(environ={"DESK_CONFIG": str(tmp_path / "none.toml")}, overrides=overrides)


def test_a_lower_case_log_level_is_accepted(tmp_path: Path) -> None:
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
        overrides={"server": {"instance_path": str(tmp_path / "i"), "log_level": "debug"}},
    )
    assert settings["server.log_level"] == "DEBUG"


def test_a_config_file_that_is_not_utf8_is_named_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('[server]\nsecret_key = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(path, environ={})


def test_an_unwritable_instance_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match=r"server\.instance_path: cannot create"):
        load_settings(
            environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
            overrides={"server": {"instance_path": str(blocker / "instance")}},
        )


def test_console_sms_ids_do_not_repeat_across_processes() -> None:
    import subprocess
    import sys

    code = (
        "from desk.outbox.channels.sms import ConsoleSms;"
        "print(ConsoleSms().send('+33612345678', 'x'))"
    )
    ids = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(ids) == 2


def test_an_unreachable_database_is_one_line_from_the_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from desk.cli import main

    config = tmp_path / "config.toml"
    config.write_text(
        f'[server]\ninstance_path = "{tmp_path / "i"}"\n'
        '[database]\nurl = "postgresql+psycopg://nobody@127.0.0.1:1/none"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["--config", str(config), "init-db"])
    assert result.exit_code == 1
    assert "database: cannot reach it" in result.output
    assert "Traceback" not in result.output


def test_desk_demo_from_the_makefile_is_not_refused_as_a_setting(tmp_path: Path) -> None:
    # `DESK_DEMO=0 make run`: make hands DESK_DEMO to `desk init-db` and `desk run`.
    settings = load_settings(
        environ={
            "DESK_CONFIG": str(tmp_path / "none.toml"),
            "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
            "DESK_DEMO": "0",
        }
    )
    assert settings["server.port"] == 5000
    with pytest.raises(ConfigError, match="DESK_DEMOS: unknown setting"):
        load_settings(environ={"DESK_CONFIG": str(tmp_path / "none.toml"), "DESK_DEMOS": "0"})


def test_public_base_url_left_unset_follows_the_port(tmp_path: Path) -> None:
    env = {"DESK_SERVER_INSTANCE_PATH": str(tmp_path / "i")}
    assert settings_from(tmp_path, **env)["server.public_base_url"] == "http://127.0.0.1:5000"
    moved = settings_from(tmp_path, "[server]\nport = 5107\n", **env)
    assert moved["server.public_base_url"] == "http://127.0.0.1:5107"
    by_env = settings_from(tmp_path, DESK_SERVER_PORT="8080", **env)
    assert by_env["server.public_base_url"] == "http://127.0.0.1:8080"
    named = settings_from(tmp_path, "[server]\nhost = 'desk.lan'\nport = 81\n", **env)
    assert named["server.public_base_url"] == "http://desk.lan:81"


def test_a_public_base_url_on_this_machine_at_another_port_is_kept_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {"DESK_SERVER_INSTANCE_PATH": str(tmp_path / "i")}
    toml = "[server]\nport = 5107\npublic_base_url = 'http://127.0.0.1:5000/'\n"
    with caplog.at_level("WARNING", logger="desk.base.config"):
        settings = settings_from(tmp_path, toml, **env)
    assert settings["server.public_base_url"] == "http://127.0.0.1:5000"
    assert "port 5107" in caplog.text and "port 5000" in caplog.text
    caplog.clear()
    public = "[server]\nport = 5107\npublic_base_url = 'https://permanence.test'\n"
    with caplog.at_level("WARNING", logger="desk.base.config"):
        assert settings_from(tmp_path, public, **env)["server.public_base_url"] == (
            "https://permanence.test"
        )
    assert caplog.text == ""


def test_desk_run_port_moves_a_public_base_url_left_to_follow_the_port(tmp_path: Path) -> None:
    from desk.base.config import on_port

    env = {"DESK_SERVER_INSTANCE_PATH": str(tmp_path / "i")}
    moved = on_port(settings_from(tmp_path, **env), 5123)
    assert (moved["server.port"], moved["server.public_base_url"]) == (
        5123,
        "http://127.0.0.1:5123",
    )
    configured = settings_from(tmp_path, "[server]\npublic_base_url = 'https://permanence.test'\n")
    assert on_port(configured, 5123)["server.public_base_url"] == "https://permanence.test"
