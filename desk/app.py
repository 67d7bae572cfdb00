"""The application factory."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask import Flask, g
from sqlalchemy.orm import Session

from desk.base.clock import Clock, system_now
from desk.base.config import Settings, database_url, instance_dir, load_settings, secret_key
from desk.base.db import Database

if TYPE_CHECKING:
    from desk.rehearsal.run import Stage


def create_app(config: Settings | Mapping[str, Mapping[str, Any]] | None = None) -> Flask:
    """Build the app. `config` is settings, or overrides by section (tests), or None."""
    settings = config if isinstance(config, Settings) else load_settings(overrides=config)
    app = Flask(__name__, instance_path=str(instance_dir(settings)))
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["server.public_base_url"].startswith("https://"),
        WTF_CSRF_TIME_LIMIT=None,
    )
    logging.basicConfig(
        level=settings["server.log_level"],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app.extensions["desk.settings"] = settings
    app.extensions["desk.db"] = Database(database_url(settings), echo=settings["database.echo"])
    app.extensions["desk.clock"] = system_now

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None or session.in_transaction():
                session.rollback()
            session.close()

    from desk.web.security import init_security

    init_security(app)

    from desk.web import health

    app.register_blueprint(health.bp)

    from desk.web import init_web

    init_web(app)

    from desk.api import bp as api_bp

    app.register_blueprint(api_bp)

    import webhooks

    app.register_blueprint(webhooks.bp)

    from desk.web.public import bp as scheduling_bp

    app.register_blueprint(scheduling_bp)

    from desk.web.billing_public import bp as billing_public_bp

    app.register_blueprint(billing_public_bp)

    from desk.web.offers import bp as offers_bp

    app.register_blueprint(offers_bp)

    # Patients reply ANNULER (never CANCEL, a carrier opt-out word) to cancel a booking.
    from desk.messages.inbound_sms import register_keyword
    from scheduling.cancel import KEYWORD, cancel_by_sms

    register_keyword(KEYWORD, cancel_by_sms)

    # Twilio and API clients cannot carry a CSRF token: they authenticate by
    # signature and by API key instead.
    from desk.web import csrf

    csrf.exempt(webhooks.bp)
    csrf.exempt(api_bp)
    # The Simulator page's rush rehearsal builds a scratch desk of its own with it.
    from desk.rehearsal.run import SCRATCH_STAGE

    app.extensions[SCRATCH_STAGE] = scratch_stage
    return app


# Objects allocated (less those freed) between two young collections; Python's 700
# collected several times per request, each sweep walking the request's live objects.
YOUNG_COLLECTION_EVERY = 20_000


def ready_to_serve(app: Flask) -> Flask:
    """`app` as a serving process (`desk serve`, `desk run`) keeps it: what start-up
    made (modules, the app, its settings: some 200,000 objects) frozen out of the
    garbage collector's full sweeps, and the young generation collected every 20,000
    allocations, not 700. Each full sweep walked them all, 85 ms on the bench's
    machine, every few hundred requests (the pages' p99); the young sweeps took 6 to 9 %
    of a new call's CPU (docs/decisions.md, "What start-up made is frozen")."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
    return app


@contextmanager
def scratch_stage(settings: Settings, clock: Clock) -> Iterator[Stage]:
    """Another app on `settings` (a rehearsal's scratch desk, `desk.rehearsal.run`), its
    clock pinned to `clock`, posted to in-process: each post in a fresh context, so it
    gets its own app context and session even from inside a request of this app."""
    from desk.rehearsal.run import Stage
    from desk.web.simulator import through

    app = create_app(settings)
    app.extensions["desk.clock"] = clock
    db: Database = app.extensions["desk.db"]
    try:
        yield Stage(through(app), db)
    finally:
        db.dispose()
