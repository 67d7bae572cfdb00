"""`desk rota absence|override add|list|remove`: the rota page's edits, for scripts.

A refused edit (someone absent or inactive, an unknown e-mail) exits non-zero with the
reason in the configured language; `list --json` prints the rows as a JSON array.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import click
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.cli.base import clock_from, database_from, domain_failure
from desk.cli.rota import rota
from desk.rota import by_email


@contextmanager
def _session(ctx: click.Context) -> Iterator[Session]:
    """A session committed when the block ends; a DomainError is the command's error."""
    db = database_from(ctx)
    try:
        with db.session() as session:
            yield session
    except DomainError as exc:
        raise domain_failure(ctx, exc) from None
    finally:
        db.dispose()


def _print(rows: list[by_email.Listed], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([r.data for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(r.line)
    if not rows:
        click.echo("none")


def _since(ctx: click.Context, everything: bool) -> datetime:
    return by_email.EPOCH if everything else clock_from(ctx)()


@rota.group("absence")
def absence() -> None:
    """A secretary's absences (leave, sickness): she is rung by no client meanwhile."""


@absence.command("add")
@click.option("--secretary", "email", required=True, help="her e-mail")
@click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--reason", default="", help="a note shown on the rota")
@click.pass_context
def absence_add(
    ctx: click.Context, email: str, first: datetime, last: datetime, reason: str
) -> None:
    """Record an absence over whole days, both included; prints its id."""
    with _session(ctx) as session:
        found = by_email.add_absence(session, email, _day(first), _day(last), reason)
        absence_id = found.id
    click.echo(absence_id)


@absence.command("list")
@click.option("--secretary", "email", default=None, help="only hers")
@click.option("--all", "everything", is_flag=True, help="past ones too")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def absence_list(ctx: click.Context, email: str | None, everything: bool, as_json: bool) -> None:
    """Absences not over yet (or all of them)."""
    with _session(ctx) as session:
        rows = by_email.list_absences(session, email, _since(ctx, everything))
    _print(rows, as_json)


@absence.command("remove")
@click.argument("absence_id", type=int)
@click.pass_context
def absence_remove(ctx: click.Context, absence_id: int) -> None:
    with _session(ctx) as session:
        by_email.remove_absence(session, absence_id)
    click.echo("removed")


@rota.group("override")
def override() -> None:
    """Replacements: someone takes a secretary's duty for a client over a period."""


@override.command("add")
@click.option("--client", "slug", required=True)
@click.option("--replaced", required=True, help="e-mail of the secretary replaced")
@click.option("--by", required=True, help="e-mail of the replacement")
@click.option("--from", "start", required=True, help="ISO 8601; the client's time if no offset")
@click.option("--to", "end", required=True, help="ISO 8601; the client's time if no offset")
@click.option("--note", default="")
@click.pass_context
def override_add(
    ctx: click.Context, slug: str, replaced: str, by: str, start: str, end: str, note: str
) -> None:
    """Hand her duty for the client to another; prints its id."""
    with _session(ctx) as session:
        override_id = by_email.add_override(session, slug, replaced, by, start, end, note).id
    click.echo(override_id)


@override.command("list")
@click.option("--client", "slug", default=None)
@click.option("--all", "everything", is_flag=True, help="past ones too")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def override_list(ctx: click.Context, slug: str | None, everything: bool, as_json: bool) -> None:
    """Replacements not over yet (or all of them)."""
    with _session(ctx) as session:
        rows = by_email.list_overrides(session, slug, _since(ctx, everything))
    _print(rows, as_json)


@override.command("remove")
@click.argument("override_id", type=int)
@click.pass_context
def override_remove(ctx: click.Context, override_id: int) -> None:
    with _session(ctx) as session:
        by_email.remove_override(session, override_id)
    click.echo("removed")


def _day(value: datetime) -> date:
    return value.date()
