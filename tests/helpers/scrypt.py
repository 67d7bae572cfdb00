"""scrypt's keys, each computed once per test process.

Every login checks its password with scrypt at the production cost (werkzeug's
scrypt:32768:8:1, about 90 ms of CPU), and most tests log in: the same demo password
against the same stored hash (the demo is loaded once per process and copied back), or
a wrong one against the same dummy hash. scrypt is a pure function of its arguments, so
its key is kept for each distinct (password, salt, cost) and handed back when asked
again: every check still runs werkzeug's code on the real stored hash and gets scrypt's
real answer, a wrong password still fails; only the repeated computing is gone. The cost
stays the production one (no test lowers it: one compares the schemes of a real hash and
the dummy one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

_KEYS: dict[tuple[bytes, bytes, int, int, int, int, int], bytes] = {}


def _remembered(real: Callable[..., bytes]) -> Callable[..., bytes]:
    def scrypt(
        password: bytes,
        *,
        salt: bytes,
        n: int,
        r: int,
        p: int,
        maxmem: int = 0,
        dklen: int = 64,
    ) -> bytes:
        key = (bytes(password), bytes(salt), n, r, p, maxmem, dklen)
        found = _KEYS.get(key)
        if found is None:
            found = real(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)
            _KEYS[key] = found
        return found

    scrypt.__wrapped__ = real  # type: ignore[attr-defined]
    return scrypt


def remember_scrypt() -> None:
    """From now on in this process, `hashlib.scrypt` computes each key once."""
    if not hasattr(hashlib.scrypt, "__wrapped__"):
        hashlib.scrypt = _remembered(hashlib.scrypt)
