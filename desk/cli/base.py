"""The root command group and what every command needs: settings and a database."""

from __future__ import annotations

import click

from desk.base.clock import Clock, system_now
from desk.base.config import ConfigError, Settings, database_url, load_settings
from desk.base.db import Database
from desk.base.errors import DomainError
from desk.base.words import gettext_for, say


@click.group()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="config.toml to read (default: $DESK_CONFIG or ./config.toml)",
)
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """Permanence: the remote-secretary desk."""
    try:
        ctx.obj = load_settings(config_path)
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None


def settings_from(ctx: click.Context) -> Settings:
    settings: Settings = ctx.find_root().obj
    return settings


def database_from(ctx: click.Context) -> Database:
    """The configured database, its connections closed when the command ends."""
    db = Database(database_url(settings_from(ctx)))
    ctx.find_root().call_on_close(db.dispose)
    return db


def clock_from(ctx: click.Context) -> Clock:
    """The command's clock: the system's, unless a caller put another in the root's meta."""
    clock: Clock = ctx.find_root().meta.setdefault("desk.clock", system_now)
    return clock


def domain_failure(ctx: click.Context, error: DomainError) -> click.ClickException:
    """A domain error as the command's error message, in the desk's language
    (`server.default_locale`, French unless configured)."""
    locale = settings_from(ctx)["server.default_locale"]
    return click.ClickException(say(error, gettext_for(locale)))
