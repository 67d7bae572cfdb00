"""Each client's rota for the day, kept by the process while the rota version stands.

Loading and building a client's rota was a fifth of the first webhook of every call
(issue 15), and a rota changes a few times a day. The call's first statement reads the
`rota_version` counter, which database triggers move on every change a rota is built
from (migration 0013); a rota kept for that client, local day and version is used as
it is, anything else is loaded for the whole local day and kept (`desk.base.kept`).
A kept rota answers "who, in what order" at any instant of its day, as the
one-instant rota did.

Without the counter's row (a database emptied by hand), nothing is kept.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from desk.base.kept import Kept
from desk.base.wall_time import local_date, local_to_utc
from desk.models import Client
from desk.rota import Rota

KEPT_DAYS = 4096  # client-days kept per process, least recently used dropped first

_Key = tuple[int, date, str, bool]
_kept: Kept[_Key, int, Rota] = Kept(KEPT_DAYS)


def _key(client: Client, at: datetime) -> _Key:
    # The rota reads the client's zone and pair rule: a change of either is another key.
    day = local_date(at, ZoneInfo(client.timezone))
    return (client.id, day, client.timezone, client.ring_pair_together)


def kept_rota(engine: Engine, client: Client, at: datetime, version: int) -> Rota | None:
    """The rota this process keeps for the client's local day of `at` at `version`."""
    return _kept.current(engine, _key(client, at), version)


def day_rota(conn: Connection, client: Client, at: datetime, version: int | None) -> Rota:
    """The client's rota for the local day of `at` (the process's kept one if current)."""
    if version is None:
        return Rota(conn, client, at, at + timedelta(microseconds=1))
    kept = kept_rota(conn.engine, client, at, version)
    if kept is not None:
        return kept
    key = _key(client, at)
    tz = ZoneInfo(client.timezone)
    start = local_to_utc(key[1], time(), tz)
    end = local_to_utc(key[1] + timedelta(days=1), time(), tz)
    rota = Rota(conn, client, start, end)
    _kept.put(conn.engine, key, version, rota)
    return rota
