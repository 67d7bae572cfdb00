"""Calendar feed tokens and API keys: `desk feed create|rotate|revoke`, `desk apikey create`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.cli.base import clock_from, database_from, domain_failure, main, settings_from
from scheduling.feeds import feed_url
from scheduling.tokens import (
    client_by_slug,
    create_api_key,
    create_feed_token,
    revoke_feed_token,
    rotate_feed_token,
)


@contextmanager
def _session(ctx: click.Context) -> Iterator[Session]:
    """A committed session on a database disposed of afterwards (no pooled connection left);
    a DomainError becomes the command's error message."""
    db = database_from(ctx)
    try:
        with db.session() as session:
            yield session
    except DomainError as exc:
        raise domain_failure(ctx, exc) from None
    finally:
        db.dispose()


@main.group("feed")
def feed() -> None:
    """Calendar feed URLs (one per client, or per practitioner)."""


@feed.command("create")
@click.option("--client", "slug", required=True, help="the client's slug")
@click.option("--practitioner", "practitioner_id", type=int, default=None)
@click.pass_context
def feed_create(ctx: click.Context, slug: str, practitioner_id: int | None) -> None:
    """Create a feed token and print its URL."""
    base = settings_from(ctx)["server.public_base_url"]
    with _session(ctx) as session:
        client = client_by_slug(session, slug)
        row = create_feed_token(session, client.id, practitioner_id, clock_from(ctx)())
        token = row.token
    click.echo(feed_url(base, token))


@feed.command("rotate")
@click.option("--token", required=True)
@click.pass_context
def feed_rotate(ctx: click.Context, token: str) -> None:
    """Revoke a token and print the URL of its replacement."""
    base = settings_from(ctx)["server.public_base_url"]
    with _session(ctx) as session:
        new = rotate_feed_token(session, token, clock_from(ctx)()).token
    click.echo(feed_url(base, new))


@feed.command("revoke")
@click.option("--token", required=True)
@click.pass_context
def feed_revoke(ctx: click.Context, token: str) -> None:
    """Revoke a token: its URL answers 404 at once."""
    with _session(ctx) as session:
        revoke_feed_token(session, token, clock_from(ctx)())
    click.echo("revoked")


@main.group("apikey")
def apikey() -> None:
    """API keys for the JSON API (one client each)."""


@apikey.command("create")
@click.option("--client", "slug", required=True, help="the client's slug")
@click.option("--label", default="")
@click.pass_context
def apikey_create(ctx: click.Context, slug: str, label: str) -> None:
    """Create a key and print it (once: only its hash is kept)."""
    with _session(ctx) as session:
        client = client_by_slug(session, slug)
        _, key = create_api_key(session, client.id, label, clock_from(ctx)())
    click.echo(key)
