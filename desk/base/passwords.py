"""Password hashing for logins (werkzeug's scrypt), kept apart so the CLI and demo use it too."""

from __future__ import annotations

import secrets
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def check_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


@cache
def dummy_hash() -> str:
    """A hash no password matches, made like real ones: checking an unknown e-mail's
    password against it costs what a known one costs (no user enumeration by timing)."""
    return generate_password_hash(secrets.token_urlsafe(32))
