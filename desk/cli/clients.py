"""Clients from the command line: `desk client add|edit|list`, `desk import clients|people`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.base.words import gettext_for, say
from desk.cli.base import main
from desk.cli.session import cli_session
from desk.clients import edits, imports, lifecycle
from desk.people.imports import PEOPLE_COLUMNS, import_person_row


@main.group("client")
def client() -> None:
    """The desk's clients (practices)."""


START_OPTION = click.option(
    "--start-without-quote",
    "start_reason",
    default=None,
    metavar="REASON",
    help="start coverage now without an accepted quote; REASON is kept (default: not started)",
)


@client.command("add")
@click.option("--name", required=True)
@click.option("--slug", default="", help="short name in URLs (default: from the name)")
@click.option("--timezone", default="Europe/Paris")
@click.option(
    "--copy-from", "copy_from", default="", help="slug of a client whose settings to copy"
)
@click.option("--desk-number", "desk_number", default="", help="a Twilio number forwarded to us")
@START_OPTION
@click.pass_context
def client_add(
    ctx: click.Context,
    name: str,
    slug: str,
    timezone: str,
    copy_from: str,
    desk_number: str,
    start_reason: str | None,
) -> None:
    """Create a client; prints its slug. Its coverage is not started (callers get the
    after-hours path) until an accepted quote, or --start-without-quote REASON."""
    with cli_session(ctx) as session:
        source = lifecycle.client_by_key(session, copy_from).id if copy_from else None
        row = lifecycle.create_client(
            session,
            lifecycle.NewClient(
                name=name,
                slug=slug,
                timezone=timezone,
                copy_from=source,
                start_without_quote=start_reason is not None,
                start_reason=start_reason or "",
            ),
        )
        if desk_number:
            edits.add_desk_number(session, row, desk_number)
        found = row.slug
    click.echo(found)


@client.command("edit")
@click.argument("key")
@click.option("--name", default=None)
@click.option("--greeting", default=None)
@click.option("--emergency-number", "emergency_number", default=None)
@click.option("--archive", is_flag=True, help="stop routing it; its history stays")
@click.option("--restore", is_flag=True)
@click.pass_context
def client_edit(
    ctx: click.Context,
    key: str,
    name: str | None,
    greeting: str | None,
    emergency_number: str | None,
    archive: bool,
    restore: bool,
) -> None:
    """Change a client (slug or id)."""
    from desk.base.clock import system_now

    with cli_session(ctx) as session:
        row = lifecycle.client_by_key(session, key)
        values = {
            k: v
            for k, v in (
                ("name", name),
                ("greeting", greeting),
                ("emergency_number", emergency_number),
            )
            if v is not None
        }
        if values:
            edits.update_fiche(row, values)
        if archive:
            lifecycle.archive_client(session, row, system_now())
        if restore:
            lifecycle.restore_client(session, row)
        found = row.slug
    click.echo(f"saved: {found}")


@client.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--archived", is_flag=True, help="include archived clients")
@click.pass_context
def client_list(ctx: click.Context, as_json: bool, archived: bool) -> None:
    with cli_session(ctx) as session:
        rows: list[dict[str, Any]] = [
            {
                "id": c.id,
                "slug": c.slug,
                "name": c.name,
                "timezone": c.timezone,
                "desk_numbers": [n.number for n in c.desk_numbers],
                "archived": c.archived_at is not None,
            }
            for c in lifecycle.all_clients(session, archived=archived)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        numbers = ",".join(r["desk_numbers"])
        click.echo(f"{r['slug']}\t{r['name']}\t{numbers}" + ("\tarchived" if r["archived"] else ""))


class _ImportGroup(click.Group):
    """`desk import clients.csv` works too: the file's name picks the command."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0].lower().endswith(".csv"):
            stem = Path(args[0]).stem.lower()
            kind = "people" if "people" in stem else "clients" if "client" in stem else None
            if kind is not None:
                return kind, self.commands[kind], args
        return super().resolve_command(ctx, args)


@main.group("import", cls=_ImportGroup)
def import_() -> None:
    """Import clients or people from CSV (a dry run unless --apply): `desk import clients.csv`."""


def _run(
    ctx: click.Context,
    path: str,
    required: tuple[str, ...],
    apply_row: Callable[[Session, imports.Row], object],
    apply: bool,
) -> None:
    gettext = gettext_for("fr")
    with cli_session(ctx, actor="import") as session:
        try:
            rows = imports.read_csv(Path(path).read_bytes(), required)
        except DomainError as exc:
            raise click.ClickException(say(exc, gettext)) from None
        result = imports.run_import(session, rows, apply_row)
        if not result.ok or not apply:
            session.rollback()
    for line, error in result.errors:
        words = say(
            DomainError(
                "csv_line", line=line, column=error.field or "-", error=say(error, gettext)
            ),
            gettext,
        )
        click.echo(words, err=True)
    if not result.ok:
        raise click.ClickException(f"{len(result.errors)} error(s): nothing imported")
    verb = "imported" if apply else "dry run OK, would import"
    click.echo(f"{verb} {result.rows} row(s)" + ("" if apply else " (add --apply)"))


@import_.command("clients")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", is_flag=True, help="write the rows (default: only check them)")
@START_OPTION
@click.pass_context
def import_clients(ctx: click.Context, path: str, apply: bool, start_reason: str | None) -> None:
    """clients.csv: name, [slug, timezone, holiday_policy, copy_from, desk_number, contact_*].
    Coverage not started unless --start-without-quote REASON (for every row)."""

    def apply_row(session: Session, row: imports.Row) -> object:
        return imports.import_client_row(session, row, start_reason)

    _run(ctx, path, imports.CLIENT_COLUMNS, apply_row, apply)


@import_.command("people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", is_flag=True, help="write the rows (default: only check them)")
@click.pass_context
def import_people(ctx: click.Context, path: str, apply: bool) -> None:
    """people.csv: name,phone,[email],[partner],[clients (slugs separated by |)],[overflow_rank]."""
    _run(ctx, path, PEOPLE_COLUMNS, import_person_row, apply)
