"""What a process keeps between requests, each value with the version it was read at.

The first webhook of every call reads a client, its coverage and its rota; these change
a few times a day. The `rota_version` counter, moved by database triggers on every
change routing reads (migrations 0013 and 0016), tells whether a kept value is current:
`desk/calls/day_rotas.py` keeps rotas, `desk/calls/day_numbers.py` desk numbers'
clients and coverage, `desk/reports/kept_advice.py` the desk-wide staffing advice.
Kept per engine (a process with two databases, tests or the bench, never mixes them),
least recently used dropped first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

K = TypeVar("K", bound=Hashable)
W = TypeVar("W")  # the version a value was read at: a counter, or a tuple of them
V = TypeVar("V")

_every: list[Kept[object, object, object]] = []


class Kept(Generic[K, W, V]):
    """At most `size` values per engine, each kept with its version."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_engine: WeakKeyDictionary[Engine, OrderedDict[K, tuple[W, V]]] = (
            WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        _every.append(self)  # type: ignore[arg-type]

    def get(self, engine: Engine, key: K) -> tuple[W, V] | None:
        """(version, value) kept for `key`, or None."""
        with self._lock:
            kept = self._by_engine.get(engine)
            found = kept.get(key) if kept is not None else None
            if found is not None:
                kept.move_to_end(key)  # type: ignore[union-attr]
            return found

    def current(self, engine: Engine, key: K, version: W) -> V | None:
        """The value kept for `key` if it was read at `version`, else None."""
        found = self.get(engine, key)
        return found[1] if found is not None and found[0] == version else None

    def put(self, engine: Engine, key: K, version: W, value: V) -> None:
        with self._lock:
            kept = self._by_engine.setdefault(engine, OrderedDict())
            kept[key] = (version, value)
            kept.move_to_end(key)
            while len(kept) > self.size:
                kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._by_engine.clear()


def forget() -> None:
    """Drop everything every process-wide store keeps (tests start from an emptied database)."""
    for kept in _every:
        kept.clear()
