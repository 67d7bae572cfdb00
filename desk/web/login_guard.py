"""Login throttling, per account and per address (Flask-Limiter's storage and windows).

Only failed tries count. Storage: Redis when `server.rate_limit_storage` names it (every
gunicorn worker then shares the counts), else this process's memory; if Redis stops
answering, each worker falls back to its memory rather than refusing logins
(docs/decisions.md).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse

from desk.base.config import Settings

# Ten wrong passwords for one account in 15 minutes, thirty from one address: far more
# than a person mistyping, far fewer than a guesser needs.
PER_ACCOUNT = parse("10/15 minutes")
PER_ADDRESS = parse("30/15 minutes")


def init_login_guard(app: Flask, settings: Settings) -> None:
    storage = settings["server.rate_limit_storage"] or "memory://"
    app.extensions["desk.limiter"] = Limiter(
        get_remote_address,
        app=app,
        storage_uri=storage,
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        key_prefix="desk",
    )


def _checks(email: str) -> list[tuple[RateLimitItem, str, str]]:
    return [
        (PER_ACCOUNT, "login-account", email),
        (PER_ADDRESS, "login-address", get_remote_address()),
    ]


def _strategy() -> object:
    limiter: Limiter = current_app.extensions["desk.limiter"]
    return limiter.limiter


def login_blocked(email: str) -> bool:
    """True when this account or this address has failed too often lately."""
    strategy = _strategy()
    try:
        return not all(strategy.test(item, scope, key) for item, scope, key in _checks(email))  # type: ignore[attr-defined]
    except Exception:  # storage gone: never lock everyone out
        current_app.logger.warning("login throttling storage unavailable", exc_info=True)
        return False


def login_failed(email: str) -> None:
    strategy = _strategy()
    try:
        for item, scope, key in _checks(email):
            strategy.hit(item, scope, key)  # type: ignore[attr-defined]
    except Exception:
        current_app.logger.warning("login throttling storage unavailable", exc_info=True)
    current_app.logger.warning(
        "login failed for %r from %s", email[:254], request.remote_addr or "?"
    )
