"""Kept only for bench/bench_calendars.py, which imports `Calendar` and `DavServer` from
here: the servers live in tests/helpers/caldav_servers.py. Tests import from there; once
the bench does too, this module goes."""

from tests.helpers.caldav_servers import Calendar, DavServer

__all__ = ["Calendar", "DavServer"]
