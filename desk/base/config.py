"""Settings: defaults, then `config.toml`, then `DESK_<SECTION>_<KEY>` environment variables.

Parsing is strict: an unknown key or a value of the wrong type stops start-up with a
message naming the key, so a typo never becomes a silent default in production.
Any key may also come from a file named by `DESK_<SECTION>_<KEY>_FILE` (for secrets).
"""

from __future__ import annotations

import logging
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desk.base.config_keys import DEFAULTS, LOCALES, LOG_LEVELS, RANGES

log = logging.getLogger(__name__)


class ConfigError(Exception):
    """A setting is missing, unknown or of the wrong type; the message names the key."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    """Validated settings, by section. `settings.section("twilio")["voice"]`."""

    values: Mapping[str, Mapping[str, Any]]

    def section(self, name: str) -> Mapping[str, Any]:
        return self.values[name]

    def __getitem__(self, dotted: str) -> Any:
        section, key = dotted.split(".", 1)
        return self.values[section][key]


def _coerce(name: str, default: Any, value: Any, from_env: bool) -> Any:
    """Return `value` converted to the type of `default`, or raise naming the key."""
    kind = type(default)
    if from_env and isinstance(value, str):
        text = value.strip()
        if kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ConfigError(f"{name}: expected a boolean (true/false), got {value!r}")
        if kind is int:
            try:
                return int(text)
            except ValueError:
                raise ConfigError(f"{name}: expected an integer, got {value!r}") from None
        if kind is list:
            return [part.strip() for part in text.split(",") if part.strip()]
        return value
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{name}: expected a boolean, got {value!r}")
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{name}: expected an integer, got {value!r}")
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"{name}: expected a string, got {value!r}")
    if kind is list and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
        raise ConfigError(f"{name}: expected a list of strings, got {value!r}")
    return value


def load_settings(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Build settings from defaults, an optional TOML file, the environment and overrides.

    `path` defaults to `$DESK_CONFIG` or `./config.toml` when it exists.
    """
    env = os.environ if environ is None else environ
    values: dict[str, dict[str, Any]] = {s: dict(keys) for s, keys in DEFAULTS.items()}

    file_path = Path(path) if path else Path(env.get("DESK_CONFIG", "config.toml"))
    if file_path.exists():
        try:
            data = tomllib.loads(file_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file_path}: not valid TOML: {exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{file_path}: not UTF-8 text (save it as UTF-8)") from None
        except OSError as exc:
            raise ConfigError(f"{file_path}: cannot read it: {exc.strerror}") from None
        _merge(values, data, source=str(file_path), from_env=False)
    elif path:
        raise ConfigError(f"config file {file_path} does not exist")

    for section, keys in DEFAULTS.items():
        for key, default in keys.items():
            var = f"DESK_{section}_{key}".upper()
            if var in env:
                values[section][key] = _coerce(var, default, env[var], from_env=True)
            elif f"{var}_FILE" in env:
                secret_path = Path(env[f"{var}_FILE"])
                try:
                    text = secret_path.read_text(encoding="utf-8").strip()
                except OSError as exc:
                    raise ConfigError(f"{var}_FILE: cannot read {secret_path}: {exc}") from None
                except UnicodeDecodeError:
                    raise ConfigError(f"{var}_FILE: {secret_path} is not UTF-8 text") from None
                values[section][key] = _coerce(var, default, text, from_env=True)
    _reject_unknown_env(env)

    if overrides:
        _merge(values, overrides, source="overrides", from_env=False)

    _validate(values)
    if values["twilio"]["provider"] == "console" and not values["twilio"]["auth_token"]:
        # No Twilio account (development, the demo): sign webhooks with a local token so
        # `desk simulate` and the desk's simulator work, and forged requests still fail.
        values["twilio"]["auth_token"] = _persisted_secret(
            Path(values["server"]["instance_path"]), "dev_twilio_auth_token"
        )
    return Settings(values)


def _merge(
    values: dict[str, dict[str, Any]], data: Mapping[str, Any], source: str, from_env: bool
) -> None:
    for section, keys in data.items():
        if section not in DEFAULTS:
            raise ConfigError(f"{source}: unknown section [{section}]")
        if not isinstance(keys, Mapping):
            raise ConfigError(f"{source}: [{section}] must be a table")
        for key, value in keys.items():
            if key not in DEFAULTS[section]:
                raise ConfigError(f"{source}: unknown key {section}.{key}")
            default = DEFAULTS[section][key]
            values[section][key] = _coerce(f"{section}.{key}", default, value, from_env)


# Hosts that mean "this machine" in a URL.
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "::", "::1", "")


def _public_base_url(server: Mapping[str, Any]) -> str:
    """Links the desk prints and sends (invitations, the demo's address, the simulator's
    webhooks) start with `public_base_url`. Left empty, it is this machine on
    `server.port`; set to this machine on another port, it is kept with a warning."""
    base: str = server["public_base_url"].strip()
    port = server["port"]
    if not base:
        host = server["host"]
        shown = "127.0.0.1" if host in _LOCAL_HOSTS else host
        return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
    try:
        parts = urlsplit(base)
        base_port = parts.port
    except ValueError:
        return base  # the caller names what is wrong with it
    if parts.hostname in _LOCAL_HOSTS and base_port is not None and base_port != port:
        log.warning(
            "server.public_base_url %s is this machine on port %s, but the desk listens on "
            "port %s (server.port): the links it sends point at another service",
            base,
            base_port,
            port,
        )
    return base


def on_port(settings: Settings, port: int) -> Settings:
    """`settings` listening on `port` (`desk run --port`): a `public_base_url` that was
    left to follow the port follows it there too."""
    server = dict(settings.section("server"))
    if server["port"] == port:
        return settings
    followed = server["public_base_url"] == _public_base_url({**server, "public_base_url": ""})
    server["port"] = port
    if followed:
        server["public_base_url"] = _public_base_url({**server, "public_base_url": ""})
    return Settings({**settings.values, "server": server})


def _reject_unknown_env(env: Mapping[str, str]) -> None:
    known = {f"DESK_{s}_{k}".upper() for s, keys in DEFAULTS.items() for k in keys}
    known |= {f"{name}_FILE" for name in known}
    # Variables the tooling itself reads, not settings: DESK_DEMO is the Makefile's
    # (`DESK_DEMO=0 make run`), and make hands it on to every command of the recipe.
    known |= {"DESK_CONFIG", "DESK_TEST_DATABASE_URL", "DESK_DEMO"}
    for var in env:
        if var.startswith("DESK_") and var not in known:
            raise ConfigError(f"{var}: unknown setting (see config.example.toml)")


def _validate_values(values: dict[str, dict[str, Any]]) -> None:
    for dotted, (low, high) in RANGES.items():
        section, key = dotted.split(".")
        value = values[section][key]
        if not low <= value <= high:
            raise ConfigError(f"{dotted}: must be between {low} and {high}, got {value}")
    level = values["server"]["log_level"].strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"server.log_level: expected one of {', '.join(LOG_LEVELS)}, "
            f"got {values['server']['log_level']!r}"
        )
    values["server"]["log_level"] = level
    locale = values["server"]["default_locale"]
    if locale not in LOCALES:
        raise ConfigError(f"server.default_locale: expected 'fr' or 'en', got {locale!r}")
    storage = values["server"]["rate_limit_storage"]
    if storage and not storage.startswith(("redis://", "rediss://", "memory://")):
        raise ConfigError(
            f"server.rate_limit_storage: expected '' or a redis:// URL, got {storage!r}"
        )
    _check_instance_path(values["server"]["instance_path"])
    _check_calendars(values["calendars"])


def _check_calendars(calendars: dict[str, Any]) -> None:
    import ipaddress

    for network in calendars["trusted_networks"]:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(
                f"calendars.trusted_networks: {network!r} is not a network (10.0.0.0/8)"
            ) from None
    key = calendars["encryption_key"]
    if key:
        from cryptography.fernet import Fernet

        try:
            Fernet(key)
        except ValueError:
            raise ConfigError(
                "calendars.encryption_key: not a Fernet key (32 url-safe base64 bytes;"
                " make one with `python -c 'from cryptography.fernet import Fernet;"
                " print(Fernet.generate_key().decode())'`)"
            ) from None


def _check_instance_path(folder: str) -> None:
    path = Path(folder)
    try:
        path.resolve().mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"server.instance_path: cannot create {folder!r}: {exc.strerror}"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"server.instance_path: {folder!r} is not writable")


def _validate(values: dict[str, dict[str, Any]]) -> None:
    _validate_values(values)
    provider = values["twilio"]["provider"]
    if provider not in ("console", "twilio"):
        raise ConfigError(f"twilio.provider: expected 'console' or 'twilio', got {provider!r}")
    if provider == "twilio":
        for key in ("account_sid", "auth_token"):
            if not values["twilio"][key]:
                raise ConfigError(f"twilio.{key}: required when twilio.provider = 'twilio'")
    if values["email"]["backend"] not in ("console", "smtp"):
        raise ConfigError("email.backend: expected 'console' or 'smtp'")
    base = _public_base_url(values["server"])
    if not base.startswith(("http://", "https://")):
        raise ConfigError(
            f"server.public_base_url: must start with http:// or https://, got {base!r}"
        )
    values["server"]["public_base_url"] = base.rstrip("/")
    # Import here: desk.base.phone depends on nothing of ours, but keep config import-light.
    from desk.base.phone import InvalidPhoneNumber, normalise

    try:
        values["fallback"]["numbers"] = [normalise(n) for n in values["fallback"]["numbers"]]
    except InvalidPhoneNumber as exc:
        raise ConfigError(f"fallback.numbers: {exc}") from None


def instance_dir(settings: Settings) -> Path:
    path = Path(settings["server.instance_path"]).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(settings: Settings) -> str:
    """The configured URL, or SQLite in the instance folder."""
    return settings["database.url"] or f"sqlite:///{instance_dir(settings) / 'desk.sqlite3'}"


def secret_key(settings: Settings) -> str:
    """The configured key, or one generated once and kept in the instance folder."""
    if settings["server.secret_key"]:
        return str(settings["server.secret_key"])
    return _persisted_secret(instance_dir(settings), "secret_key")


def _persisted_secret(folder: Path, name: str) -> str:
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
