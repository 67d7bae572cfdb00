"""Database and demo commands: `desk init-db`, `desk demo`."""

from __future__ import annotations

import click

from desk.cli.base import clock_from, database_from, main, settings_from
from desk.migrations import upgrade


@main.command("init-db")
@click.pass_context
def init_db(ctx: click.Context) -> None:
    """Create or upgrade the database to the newest schema (harmless to repeat)."""
    db = database_from(ctx)
    upgrade(db.engine)
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")


@main.command("demo")
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the demo desk (idempotent) and print its logins and feed URL."""
    from desk.demo import load_demo

    db = database_from(ctx)
    upgrade(db.engine)
    with db.session() as session:
        summary = load_demo(session, settings_from(ctx), clock_from(ctx)())
    click.echo(summary)
