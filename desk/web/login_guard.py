"""Login throttling, per account and per address (`limits`' storage and fixed windows).

Only failed tries count. Storage: Redis when `server.rate_limit_storage` names it (every
gunicorn worker then shares the counts), else this process's memory; if Redis stops
answering, each worker falls back to its memory rather than refusing logins
(docs/decisions.md). `limits` is the library Flask-Limiter is built on: Flask-Limiter
itself checked route limits before every request, webhooks included, and the desk has
none (issue 15).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from desk.base.config import Settings

# Ten wrong passwords for one account in 15 minutes, thirty from one address: far more
# than a person mistyping, far fewer than a guesser needs.
PER_ACCOUNT = parse("10/15 minutes")
PER_ADDRESS = parse("30/15 minutes")
_GUARD = "desk.login_guard"


class LoginGuard:
    """The shared counts, and this process's own when the shared storage fails."""

    def __init__(self, storage_uri: str) -> None:
        self.shared = FixedWindowRateLimiter(storage_from_string(storage_uri))
        self.local = FixedWindowRateLimiter(MemoryStorage())

    def _checks(self, email: str) -> list[tuple[RateLimitItem, str, str]]:
        address = request.remote_addr or "127.0.0.1"
        return [
            (PER_ACCOUNT, "desk/login-account", email),
            (PER_ADDRESS, "desk/login-address", address),
        ]

    def blocked(self, email: str) -> bool:
        checks = self._checks(email)
        try:
            return not all(self.shared.test(item, scope, key) for item, scope, key in checks)
        except Exception:  # storage gone: never lock everyone out
            current_app.logger.warning("login throttling storage unavailable", exc_info=True)
            return not all(self.local.test(item, scope, key) for item, scope, key in checks)

    def failed(self, email: str) -> None:
        checks = self._checks(email)
        try:
            for item, scope, key in checks:
                self.shared.hit(item, scope, key)
        except Exception:
            current_app.logger.warning("login throttling storage unavailable", exc_info=True)
            for item, scope, key in checks:
                self.local.hit(item, scope, key)


def init_login_guard(app: Flask, settings: Settings) -> None:
    app.extensions[_GUARD] = LoginGuard(settings["server.rate_limit_storage"] or "memory://")


def _guard() -> LoginGuard:
    guard: LoginGuard = current_app.extensions[_GUARD]
    return guard


def login_blocked(email: str) -> bool:
    """True when this account or this address has failed too often lately."""
    return _guard().blocked(email)


def login_failed(email: str) -> None:
    _guard().failed(email)
    current_app.logger.warning(
        "login failed for %r from %s", email[:254], request.remote_addr or "?"
    )
