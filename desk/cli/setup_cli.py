"""The rest of the set-up by command line, for scripts and migrations:
`desk client coverage add|list|remove`, `desk secretary train|untrain`,
`desk rota shift add|list|remove`. Days as "mon-fri", "sat", "mon,wed,fri" (or "lun-ven");
times as "12:00". Output and errors in the desk's language; `--json` on every list.
"""

from __future__ import annotations

import json
import re
from datetime import time

import click
from sqlalchemy import select

from desk.base.errors import DomainError, NotFound
from desk.base.wall_time import format_weekdays, parse_weekdays
from desk.base.words import N_
from desk.billing.terms import client_by_slug, secretary_by_email
from desk.cli.clients import client as client_group
from desk.cli.money import money_session, tell
from desk.cli.people import secretary as secretary_group
from desk.cli.rota import rota as rota_group
from desk.clients.edits import add_coverage
from desk.models import Client, CoverageWindow, Secretary, Shift
from desk.people.secretaries import set_trainings
from desk.rota.edits import add_shift

DAY_NAMES = (
    ("mon", "lun"), ("tue", "mar"), ("wed", "mer"), ("thu", "jeu"),
    ("fri", "ven"), ("sat", "sam"), ("sun", "dim"),
)  # fmt: skip
_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:hH]([0-5][0-9])", re.ASCII)


def _day(name: str, raw: str) -> int:
    for index, names in enumerate(DAY_NAMES):
        if name.strip().lower() in names:
            return index
    raise DomainError("weekdays_invalid", field="weekdays", value=raw)


def parse_days(raw: str) -> list[int]:
    """ "mon-fri" -> [0..4]; "mon,wed,fri" -> [0, 2, 4]; "sat" -> [5]; French names too."""
    days: set[int] = set()
    for part in raw.split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _day(first, raw), _day(last, raw)
            if b < a:
                raise DomainError("weekdays_invalid", field="weekdays", value=raw)
            days.update(range(a, b + 1))
        elif part.strip():
            days.add(_day(part, raw))
    if not days:
        raise DomainError("weekdays_invalid", field="weekdays", value=raw)
    return sorted(days)


def days_text(digits: str | None) -> str:
    """ "01234" -> "mon-fri"; "024" -> "mon,wed,fri" (as typed back)."""
    days = sorted(parse_weekdays(digits))
    if len(days) > 1 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]][0]}-{DAY_NAMES[days[-1]][0]}"
    return ",".join(DAY_NAMES[d][0] for d in days)


def parse_time(raw: str, field: str) -> time:
    found = _TIME.fullmatch(raw.strip())
    if found is None:
        raise DomainError("time_invalid", field=field, value=raw)
    return time(int(found.group(1)), int(found.group(2)))


def _print(ctx: click.Context, rows: list[dict[str, object]], as_json: bool, line: str) -> None:
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(tell(ctx, N_("None.")))
    for row in rows:
        click.echo(tell(ctx, line, **row))


# --- coverage ---------------------------------------------------------------------------


@client_group.group("coverage")
def coverage() -> None:
    """A client's coverage windows: when the desk answers its line."""


@coverage.command("add")
@click.option("--client", "slug", required=True)
@click.option("--weekdays", required=True, help="mon-fri, sat, mon,wed,fri")
@click.option("--from", "start", required=True, help="12:00")
@click.option("--to", "end", required=True, help="14:00")
@click.option("--overnight", is_flag=True, help="ends the next morning (22:00 to 07:00)")
@click.pass_context
def coverage_add(
    ctx: click.Context, slug: str, weekdays: str, start: str, end: str, overnight: bool
) -> None:
    """Answer the client's calls on these days, between these local times."""
    with money_session(ctx) as session:
        client = client_by_slug(session, slug)
        row = add_coverage(
            session, client, parse_days(weekdays), parse_time(start, "from"),
            parse_time(end, "to"), overnight=overnight,
        )  # fmt: skip
        said = dict(id=row.id, client=client.name, **_window(row))
    click.echo(tell(ctx, N_("Coverage %(id)s of %(client)s: %(days)s %(start)s-%(end)s."), **said))


def _window(row: CoverageWindow | Shift) -> dict[str, object]:
    return {
        "days": days_text(row.weekdays),
        "start": f"{row.start_local:%H:%M}",
        "end": f"{row.end_local:%H:%M}",
    }


@coverage.command("list")
@click.option("--client", "slug", required=True)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def coverage_list(ctx: click.Context, slug: str, as_json: bool) -> None:
    """The client's coverage windows."""
    with money_session(ctx) as session:
        client = client_by_slug(session, slug)
        rows = [
            {"id": w.id, **_window(w)}
            for w in session.scalars(
                select(CoverageWindow)
                .where(CoverageWindow.client_id == client.id)
                .order_by(CoverageWindow.id)
            )
        ]
    _print(ctx, rows, as_json, N_("%(id)s: %(days)s %(start)s-%(end)s"))


def _matching(
    rows: list[CoverageWindow] | list[Shift],
    row_id: int | None,
    weekdays: str,
    start: str,
    end: str,
) -> list[int]:
    if row_id is not None:
        return [r.id for r in rows if r.id == row_id]
    digits = format_weekdays(parse_days(weekdays))
    first, last = parse_time(start, "from"), parse_time(end, "to")
    return [
        r.id
        for r in rows
        if r.weekdays == digits and r.start_local == first and r.end_local == last
    ]


@coverage.command("remove")
@click.option("--client", "slug", required=True)
@click.option("--id", "row_id", type=int, default=None, help="the window's id (see list)")
@click.option("--weekdays", default="", help="or the window as added: mon-fri")
@click.option("--from", "start", default="")
@click.option("--to", "end", default="")
@click.pass_context
def coverage_remove(
    ctx: click.Context, slug: str, row_id: int | None, weekdays: str, start: str, end: str
) -> None:
    """Remove a coverage window, by its id or as it was added."""
    with money_session(ctx) as session:
        client = client_by_slug(session, slug)
        rows = list(
            session.scalars(select(CoverageWindow).where(CoverageWindow.client_id == client.id))
        )
        found = _matching(rows, row_id, weekdays, start, end)
        if not found:
            raise NotFound("coverage_unknown", id=row_id or f"{weekdays} {start}-{end}")
        for row in rows:
            if row.id in found:
                session.delete(row)
    click.echo(tell(ctx, N_("Removed: %(count)s."), count=len(found)))


# --- trainings --------------------------------------------------------------------------


def _ranks(secretary: Secretary) -> dict[int, int | None]:
    return {t.client_id: t.overflow_rank for t in secretary.trainings}


@secretary_group.command("train")
@click.argument("email")
@click.option("--client", "slug", required=True)
@click.option("--overflow-rank", "rank", type=int, default=None, help="1-9: rung on overflow")
@click.pass_context
def secretary_train(ctx: click.Context, email: str, slug: str, rank: int | None) -> None:
    """She is trained for the client (its fiche, its calls); with --overflow-rank, she is
    also rung when the rota's secretaries are busy."""
    with money_session(ctx) as session:
        secretary = secretary_by_email(session, email)
        client = client_by_slug(session, slug)
        set_trainings(session, secretary, {**_ranks(secretary), client.id: rank})
        name, client_name = secretary.name, client.name
    click.echo(tell(ctx, N_("%(name)s is trained for %(client)s."), name=name, client=client_name))


@secretary_group.command("untrain")
@click.argument("email")
@click.option("--client", "slug", required=True)
@click.pass_context
def secretary_untrain(ctx: click.Context, email: str, slug: str) -> None:
    """She no longer works for the client (her shifts for it stay until removed)."""
    with money_session(ctx) as session:
        secretary = secretary_by_email(session, email)
        client = client_by_slug(session, slug)
        ranks = _ranks(secretary)
        ranks.pop(client.id, None)
        set_trainings(session, secretary, ranks)
        name, client_name = secretary.name, client.name
    click.echo(
        tell(ctx, N_("%(name)s no longer works for %(client)s."), name=name, client=client_name)
    )


# --- shifts -----------------------------------------------------------------------------


@rota_group.group("shift")
def shift() -> None:
    """Shifts: a secretary on duty for a client, on these days, between these times."""


@shift.command("add")
@click.option("--secretary", "email", required=True, help="her e-mail")
@click.option("--client", "slug", required=True)
@click.option("--weekdays", required=True, help="mon-fri, sat, mon,wed,fri")
@click.option("--from", "start", required=True, help="12:00")
@click.option("--to", "end", required=True, help="14:00")
@click.option("--rank", type=click.IntRange(1, 9), default=1, help="1 primary, 2 backup")
@click.pass_context
def shift_add(
    ctx: click.Context, email: str, slug: str, weekdays: str, start: str, end: str, rank: int
) -> None:
    """Put her on duty (she must be trained for the client)."""
    with money_session(ctx) as session:
        secretary = secretary_by_email(session, email)
        client = client_by_slug(session, slug)
        row = add_shift(
            session, client, secretary_id=secretary.id, weekdays=parse_days(weekdays),
            start=parse_time(start, "from"), end=parse_time(end, "to"), rank=rank,
        )  # fmt: skip
        said = dict(id=row.id, name=secretary.name, client=client.name, rank=rank, **_window(row))
    click.echo(
        tell(
            ctx,
            N_("Shift %(id)s: %(name)s for %(client)s, %(days)s %(start)s-%(end)s, rank %(rank)s."),
            **said,
        )
    )


def _shift_rows(
    session: object, shifts: list[tuple[Shift, str, str, str]]
) -> list[dict[str, object]]:
    return [
        {"id": s.id, "secretary": email, "name": name, "client": slug, "rank": s.rank, **_window(s)}
        for s, email, name, slug in shifts
    ]


@shift.command("list")
@click.option("--client", "slug", default="", help="only this client's")
@click.option("--secretary", "email", default="", help="only hers")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def shift_list(ctx: click.Context, slug: str, email: str, as_json: bool) -> None:
    """The shifts (of one client, of one secretary)."""
    with money_session(ctx) as session:
        query = (
            select(Shift, Secretary.email, Secretary.name, Client.slug)
            .join(Secretary, Secretary.id == Shift.secretary_id)
            .join(Client, Client.id == Shift.client_id)
            .order_by(Client.slug, Shift.rank, Shift.start_local, Shift.id)
        )
        if slug:
            query = query.where(Shift.client_id == client_by_slug(session, slug).id)
        if email:
            query = query.where(Shift.secretary_id == secretary_by_email(session, email).id)
        rows = _shift_rows(session, [(s, e or "", n, c) for s, e, n, c in session.execute(query)])
    _print(
        ctx, rows, as_json,
        N_("%(id)s: %(name)s for %(client)s, %(days)s %(start)s-%(end)s, rank %(rank)s"),
    )  # fmt: skip


@shift.command("remove")
@click.option("--secretary", "email", required=True, help="her e-mail")
@click.option("--client", "slug", required=True)
@click.option("--id", "row_id", type=int, default=None, help="the shift's id (see list)")
@click.option("--weekdays", default="", help="or the shift as added: mon-fri")
@click.option("--from", "start", default="")
@click.option("--to", "end", default="")
@click.option("--rank", type=int, default=None)
@click.pass_context
def shift_remove(
    ctx: click.Context, email: str, slug: str, row_id: int | None, weekdays: str, start: str,
    end: str, rank: int | None,
) -> None:  # fmt: skip
    """Remove her shift for the client, by its id or as it was added."""
    with money_session(ctx) as session:
        secretary = secretary_by_email(session, email)
        client = client_by_slug(session, slug)
        rows = [
            s
            for s in session.scalars(
                select(Shift).where(
                    Shift.secretary_id == secretary.id, Shift.client_id == client.id
                )
            )
            if rank is None or s.rank == rank
        ]
        found = _matching(rows, row_id, weekdays, start, end)
        if not found:
            raise NotFound("shift_unknown", id=row_id or f"{weekdays} {start}-{end}")
        for row in rows:
            if row.id in found:
                session.delete(row)
    click.echo(tell(ctx, N_("Removed: %(count)s."), count=len(found)))
