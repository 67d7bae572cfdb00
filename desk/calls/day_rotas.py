"""Each client's rota for the day, kept by the process while the rota version stands.

Loading and building a client's rota was a fifth of the first webhook of every call
(issue 15), and a rota changes a few times a day. The call's first statement reads the
`rota_version` counter, which database triggers move on every change a rota is built
from (migration 0013); a rota kept for that client, local day and version is used as
it is, anything else is loaded for the whole local day and kept. A kept rota answers
"who, in what order" at any instant of its day, as the one-instant rota did.

Without the counter's row (a database emptied by hand), nothing is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, time, timedelta
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from desk.base.wall_time import local_date, local_to_utc
from desk.models import Client
from desk.rota import Rota

KEPT_DAYS = 4096  # client-days kept per process, least recently used dropped first

_Key = tuple[int, object, str, bool]
_Kept = OrderedDict[_Key, tuple[int, Rota]]
# Per engine: a process with two databases (tests, the bench) never mixes their rotas.
_by_engine: WeakKeyDictionary[Engine, _Kept] = WeakKeyDictionary()
_lock = threading.Lock()


def forget() -> None:
    """Drop every kept rota (tests start again from an emptied database)."""
    with _lock:
        _by_engine.clear()


def day_rota(conn: Connection, client: Client, at: datetime, version: int | None) -> Rota:
    """The client's rota for the local day of `at` (the process's kept one if current)."""
    if version is None:
        return Rota(conn, client, at, at + timedelta(microseconds=1))
    tz = ZoneInfo(client.timezone)
    day = local_date(at, tz)
    # The rota reads the client's zone and pair rule: a change of either is another key.
    key: _Key = (client.id, day, client.timezone, client.ring_pair_together)
    with _lock:
        kept = _by_engine.setdefault(conn.engine, OrderedDict())
        found = kept.get(key)
        if found is not None and found[0] == version:
            kept.move_to_end(key)
            return found[1]
    start = local_to_utc(day, time(), tz)
    end = local_to_utc(day + timedelta(days=1), time(), tz)
    rota = Rota(conn, client, start, end)
    with _lock:
        kept[key] = (version, rota)
        kept.move_to_end(key)
        while len(kept) > KEPT_DAYS:
            kept.popitem(last=False)
    return rota
