"""What a request handler needs from the app: the request's session and the settings.

One session per request, opened on first use and closed (rolled back if still open)
at teardown, so a handler that raises leaves nothing half-written.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from desk.app import database_of, settings_of
from desk.config import Settings


def db_session() -> Session:
    session: Session | None = g.get("db_session")
    if session is None:
        session = database_of(current_app).Session()
        g.db_session = session
    return session


def settings() -> Settings:
    return settings_of(current_app)
