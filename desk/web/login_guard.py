"""Login throttling, per account and per address, in fixed windows.

Only failed tries count. The counts are shared by every web worker: in Redis when
`server.rate_limit_storage` names it (`limits`' storage), else in the database
(`desk.people.login_failures`). Before, an empty setting kept them in each worker's
memory: two gunicorn workers let 20 wrong passwords per account through where 10 are
documented (issue 26). If the shared storage stops answering, each worker falls back to
its own memory rather than refusing logins (docs/decisions.md). `limits` is the library
Flask-Limiter is built on: Flask-Limiter itself checked route limits before every
request, webhooks included, and the desk has none (issue 15).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from desk.base.config import Settings
from desk.base.db import Database
from desk.people.login_failures import count_failure, failures
from desk.request_context import now

# Ten wrong passwords for one account in 15 minutes, thirty from one address: far more
# than a person mistyping, far fewer than a guesser needs.
PER_ACCOUNT = parse("10/15 minutes")
PER_ADDRESS = parse("30/15 minutes")
_GUARD = "desk.login_guard"

Check = tuple[RateLimitItem, str, str]


class Counts(Protocol):
    def blocked(self, checks: list[Check]) -> bool: ...
    def failed(self, checks: list[Check]) -> None: ...


class LimitsCounts:
    """Counts in a `limits` storage: Redis (shared), or this process's memory."""

    def __init__(self, storage_uri: str) -> None:
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))

    def blocked(self, checks: list[Check]) -> bool:
        return not all(self.limiter.test(item, scope, key) for item, scope, key in checks)

    def failed(self, checks: list[Check]) -> None:
        for item, scope, key in checks:
            self.limiter.hit(item, scope, key)


class DatabaseCounts:
    """Counts in the database, each change in a short transaction of its own."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def blocked(self, checks: list[Check]) -> bool:
        with self.database.session() as session:
            return any(
                failures(session, f"{scope}:{key}", _window(item), now()) >= item.amount
                for item, scope, key in checks
            )

    def failed(self, checks: list[Check]) -> None:
        with self.database.session() as session:
            for item, scope, key in checks:
                count_failure(session, f"{scope}:{key}", _window(item), now())


def _window(item: RateLimitItem) -> timedelta:
    return timedelta(seconds=item.get_expiry())


class LoginGuard:
    """The shared counts, and this process's own when the shared storage fails."""

    def __init__(self, shared: Counts) -> None:
        self.shared = shared
        self.local = LimitsCounts("memory://")

    def _checks(self, email: str) -> list[Check]:
        address = request.remote_addr or "127.0.0.1"
        return [
            (PER_ACCOUNT, "desk/login-account", email),
            (PER_ADDRESS, "desk/login-address", address),
        ]

    def blocked(self, email: str) -> bool:
        checks = self._checks(email)
        try:
            return self.shared.blocked(checks)
        except Exception:  # storage gone: never lock everyone out
            current_app.logger.warning("login throttling storage unavailable", exc_info=True)
            return self.local.blocked(checks)

    def failed(self, email: str) -> None:
        checks = self._checks(email)
        try:
            self.shared.failed(checks)
        except Exception:
            current_app.logger.warning("login throttling storage unavailable", exc_info=True)
            self.local.failed(checks)


def init_login_guard(app: Flask, settings: Settings) -> None:
    storage = settings["server.rate_limit_storage"]
    shared = LimitsCounts(storage) if storage else DatabaseCounts(app.extensions["desk.db"])
    app.extensions[_GUARD] = LoginGuard(shared)


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
