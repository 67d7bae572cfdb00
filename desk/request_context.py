"""What a request handler needs from the app: the request's session and the settings.

One session per request, opened on first use and closed (rolled back if still open)
at teardown, so a handler that raises leaves nothing half-written.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from desk.base.clock import Clock, system_now
from desk.base.config import Settings
from desk.base.db import Database


def db_session() -> Session:
    session: Session | None = g.get("db_session")
    if session is None:
        session = database_of(current_app).Session()
        g.db_session = session
    return session


def database() -> Database:
    return database_of(current_app)


def settings() -> Settings:
    return settings_of(current_app)


def settings_of(app: Flask) -> Settings:
    settings: Settings = app.extensions["desk.settings"]
    return settings


def database_of(app: Flask) -> Database:
    db: Database = app.extensions["desk.db"]
    return db


def now() -> datetime:
    """The request's now: the app's clock (the system's unless pinned by `set_clock`)."""
    return clock_of(current_app)()


def clock_of(app: Flask) -> Clock:
    clock: Clock = app.extensions.get("desk.clock", system_now)
    return clock


def set_clock(app: Flask, clock: Clock) -> None:
    """Pin the app's notion of now (tests, the simulator)."""
    app.extensions["desk.clock"] = clock
