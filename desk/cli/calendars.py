"""`desk calendar connect|list|sync|disconnect`: the practices' own calendars."""

from __future__ import annotations

import json
from pathlib import Path

import click

from desk.cli.base import clock_from, database_from, main, settings_from
from desk.cli.session import cli_session
from scheduling.calendars import connections
from scheduling.calendars.dav import trusted_networks
from scheduling.calendars.pull import pull
from scheduling.calendars.push import Pusher
from scheduling.calendars.sealing import seal
from scheduling.tokens import client_by_slug


@main.group("calendar")
def calendar() -> None:
    """Practices' own calendars: CalDAV (push and pull) or e-mail invitations."""


@calendar.command("connect")
@click.option("--client", "slug", required=True, help="the client's slug")
@click.option("--practitioner", default="", help="the practitioner's name (default: all)")
@click.option(
    "--url",
    required=True,
    help="CalDAV URL (server, principal or calendar), or mailto:ADDRESS for invitations",
)
@click.option("--username", default="")
@click.option(
    "--password-file",
    "password_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="a file holding the app password (never typed on the command line)",
)
@click.option("--calendar", "calendar_name", default="", help="which calendar, when several")
@click.pass_context
def connect(
    ctx: click.Context,
    slug: str,
    practitioner: str,
    url: str,
    username: str,
    password_file: Path | None,
    calendar_name: str,
) -> None:
    """Check the calendar, then keep it; prints the connection's id."""
    settings = settings_from(ctx)
    password = password_file.read_text(encoding="utf-8").strip() if password_file else ""
    with cli_session(ctx) as session:
        client = client_by_slug(session, slug)
        practitioner_id = (
            connections.practitioner_by_name(session, client.id, practitioner).id
            if practitioner
            else None
        )
        address = connections.invitation_address(url)
        found = None
        if address is None:
            found = connections.check(
                url,
                username,
                password,
                calendar=calendar_name,
                trusted=trusted_networks(settings["calendars.trusted_networks"]),
            )
        row = connections.add_connection(
            session,
            client_id=client.id,
            practitioner_id=practitioner_id,
            found=found,
            address=address,
            username=username if address is None else settings["email.from_address"],
            sealed_password=seal(settings, password) if password else "",
            now=clock_from(ctx)(),
        )
        connection_id = row.id
    click.echo(connection_id)


@calendar.command("list")
@click.option("--client", "slug", default="", help="only this client's")
@click.option("--json", "as_json", is_flag=True, help="one JSON array")
@click.pass_context
def list_(ctx: click.Context, slug: str, as_json: bool) -> None:
    """Connections with their state, last push, last pull and last error."""
    with cli_session(ctx) as session:
        client_id = client_by_slug(session, slug).id if slug else None
        views = connections.list_connections(session, client_id)
    if as_json:
        click.echo(json.dumps([view.as_json() for view in views], ensure_ascii=False))
        return
    for view in views:
        when = lambda moment: moment.isoformat(timespec="seconds") if moment else "-"  # noqa: E731
        click.echo(
            f"{view.id}\t{view.client}\t{view.practitioner or '*'}\t{view.kind}\t{view.state}"
            f"\tpush {when(view.last_push_at)}\tpull {when(view.last_pull_at)}"
            f"\t{view.calendar or view.url}\t{view.last_error or ''}"
        )


@calendar.command("sync")
@click.option("--client", "slug", default="", help="only this client's calendars")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sync(ctx: click.Context, slug: str, as_json: bool) -> None:
    """Push what is pending (retries included, now) and pull busy times, now."""
    settings = settings_from(ctx)
    now = clock_from(ctx)()
    with cli_session(ctx) as session:
        client_id = client_by_slug(session, slug).id if slug else None
        ids = connections.due_now(session, client_id, now)
    db = database_from(ctx)
    pushed = Pusher(db, settings, clock=clock_from(ctx)).run(connection_ids=ids)
    pulled = pull(db, settings, now, connection_ids=ids)
    counts = {
        "pushed": pushed.pushed,
        "deleted": pushed.deleted,
        "retried": pushed.retried,
        "conflicts": pushed.conflicts,
        "failed": pushed.failed + pulled.failed,
        "pulled": pulled.pulled,
        "busy": pulled.busy,
    }
    if as_json:
        click.echo(json.dumps(counts))
    else:
        click.echo(" ".join(f"{key} {value}" for key, value in counts.items()))


@calendar.command("disconnect")
@click.argument("connection_id", type=int)
@click.pass_context
def disconnect(ctx: click.Context, connection_id: int) -> None:
    """Stop pushing and pulling; the password is forgotten."""
    with cli_session(ctx) as session:
        connections.disconnect(session, connection_id, clock_from(ctx)())
    click.echo("disconnected")
