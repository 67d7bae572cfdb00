"""Long-running processes: `desk run` (one machine), `desk serve` (gunicorn, gevent workers),
`desk scheduler`."""

from __future__ import annotations

from typing import Any

import click

from desk.cli.base import main, settings_from
from desk.migrations import upgrade


@main.command("run")
@click.option("--host", default=None, help="default: server.host")
@click.option("--port", type=int, default=None, help="default: server.port")
@click.pass_context
def run(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the app with the scheduler in the same process (one machine, no reloader)."""
    from desk.app import create_app, ready_to_serve
    from desk.base.config import on_port
    from desk.jobs.runtime import start_scheduler
    from desk.outbox.dispatch import start_background_dispatcher
    from desk.request_context import database_of
    from scheduling.calendars.push import BackgroundPusher

    settings = settings_from(ctx)
    if port is not None:  # links then name the port it listens on (unless configured)
        settings = on_port(settings, port)
    app = ready_to_serve(create_app(settings))
    db = database_of(app)
    upgrade(db.engine)
    scheduler = start_scheduler(settings, db) if settings["scheduler.enabled"] else None
    # On one machine the outbox also leaves right after the commit that filled it
    # (desk.outbox.queue.WAKE wakes this thread), not only on the scheduler's next sweep.
    dispatcher = start_background_dispatcher(db, settings)
    # Likewise bookings reach the practices' calendars right after their commit.
    pusher = BackgroundPusher(db, settings).start()
    try:
        app.run(
            host=host or settings["server.host"],
            port=port or settings["server.port"],
            use_reloader=False,
            threaded=True,
        )
    finally:
        pusher.stop()
        dispatcher.stop()
        if scheduler is not None:
            scheduler.shutdown()


@main.command("serve")
@click.option("--bind", default=None, help="host:port (default: server.host:server.port)")
@click.option("--workers", type=int, default=None, help="default: server.workers")
@click.pass_context
def serve(ctx: click.Context, bind: str | None, workers: int | None) -> None:
    """Serve with gunicorn's gevent workers; run `desk scheduler` beside it."""
    from gunicorn.app.base import BaseApplication

    from desk.app import create_app, ready_to_serve
    from desk.base.config import database_url
    from desk.base.words import gettext_for

    settings = settings_from(ctx)
    count = workers or settings["server.workers"]
    if not database_url(settings).startswith("postgresql") and count > 1:
        # SQLite's events reach the open pages of their own process only (desk.base.events).
        _ = gettext_for(settings["server.default_locale"])
        click.echo(
            _(
                "SQLite: one worker serves (the desk's live events stay in one process); "
                "%(asked)d asked. Use PostgreSQL for more."
            )
            % {"asked": count},
            err=True,
        )
        count = 1

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", bind or f"{settings['server.host']}:{settings['server.port']}")
            self.cfg.set("workers", count)
            # Each connection is a greenlet (`desk.cli.entry` patched the standard library
            # first): an open live page or a slow client costs memory, never a webhook's turn.
            self.cfg.set("worker_class", "gevent")
            self.cfg.set("worker_connections", settings["server.connections"])
            # Each response closes its connection (streams excepted, they stay open): on
            # kept-alive connections gevent's worker answered 1 % of webhooks 0.2-0.4 s
            # late (docs/decisions.md); Twilio and a balancer open a connection a request.
            self.cfg.set("keepalive", 0)
            self.cfg.set("accesslog", "-")
            self.cfg.set("worker_int", _end_live_streams)
            # Stopped by signals. gunicorn's control socket (one path per user, in
            # ~/.gunicorn) would be shared by every `desk serve` of the machine, and
            # stopping its server held each shutdown up 2 to 4 s.
            self.cfg.set("control_socket_disable", True)

        def load(self) -> object:
            return ready_to_serve(create_app(settings))

    _App().run()


def _end_live_streams(worker: Any) -> None:
    """A worker told to quit now (SIGINT, SIGQUIT) ends its open live streams first:
    it exits once they have, where a stream otherwise ran on until its next heartbeat
    failed to reach a closed browser (up to 15 s)."""
    from desk.base.events import HUB
    from desk.web.live import stop_streams

    stop_streams(worker.wsgi).set()
    HUB.wake()


@main.command("scheduler")
@click.pass_context
def scheduler(ctx: click.Context) -> None:
    """Run the timed jobs alone; several may run, one leader works at a time."""
    from desk.base.config import database_url
    from desk.base.db import Database
    from desk.jobs.runtime import run_scheduler_forever

    settings = settings_from(ctx)
    db = Database(database_url(settings))
    upgrade(db.engine)
    run_scheduler_forever(settings, db)
