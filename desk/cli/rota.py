"""`desk rota show`: who is on duty per coverage window over a week, and the gaps."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from desk.base.db import Database
from desk.base.wall_time import local_date
from desk.cli.base import database_from, main
from desk.models import Client
from desk.rota import CoverageRules, Rota, changes, iso_week, segments
from desk.rota.coverage import CLOSURE, HOLIDAY_CLOSED, HOLIDAY_COVERED

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@main.group("rota")
def rota() -> None:
    """The rota: duty and coverage gaps."""


@rota.command("show")
@click.option("--client", "slug", required=True, help="client slug")
@click.option("--week", required=True, help="ISO week, e.g. 2027-W13")
@click.pass_context
def show(ctx: click.Context, slug: str, week: str) -> None:
    """Print who is on duty in each covered stretch of the week, then the gaps."""
    db = database_from(ctx)
    try:
        _show(db, slug, week)
    finally:
        db.dispose()


def _show(db: Database, slug: str, week: str) -> None:
    with db.session() as session:
        client = session.scalar(select(Client).where(Client.slug == slug))
        if client is None:
            raise click.ClickException(f"no client {slug!r}")
        tz = ZoneInfo(client.timezone)
        try:
            start, end = iso_week(week, tz)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--week") from None
        rules = CoverageRules.load(session, client, local_date(start, tz), local_date(end, tz))
        rota_ = Rota(session, client, start, end)
        found = segments(session, client, start, end)
        click.echo(f"{client.name} ({client.slug}), week {week.upper()}, {client.timezone}")
        day = local_date(start, tz)
        for _ in range(7):
            state, holiday = rules.day_state(day)
            label = f"{DAYS[day.weekday()]} {day:%d/%m}"
            note = {
                CLOSURE: "closed (closure): after hours all day",
                HOLIDAY_CLOSED: f"{holiday}: closed, after hours all day",
                HOLIDAY_COVERED: f"{holiday}: covered all day",
            }.get(state or "", "")
            if note:
                click.echo(f"{label}  {note}")
                label = " " * len(label)
            todays = [s for s in found if local_date(s.start, tz) == day]
            if not todays and not note:
                click.echo(f"{label}  not covered")
            for seg in todays:
                who = ", ".join(f"{r.rank} {r.name}" for r in seg.on_duty) or "NOBODY (gap)"
                partners = [r.name for step in rota_.plan(seg.start) for r in step if r.partner]
                extra = f"; overflow: {', '.join(partners)}" if partners else ""
                click.echo(f"{label}  {_hm(seg.start, tz)}–{_hm(seg.end, tz)}  {who}{extra}")
                label = " " * len(label)
            day += timedelta(days=1)
        for r in changes.replacements(session, client, start, end):
            click.echo(
                f"Replacement {r.id}: {r.replacement} replaces {r.original} "
                f"{r.starts_at.astimezone(tz):%a %d/%m %H:%M} → "
                f"{r.ends_at.astimezone(tz):%a %d/%m %H:%M}"
            )
        for a in changes.absences(session, client, start, end):
            click.echo(f"Absence {a.id}: {a.secretary} {a.first_day:%d/%m} → {a.last_day:%d/%m}")
        holes = [s for s in found if not s.on_duty]
        if not holes:
            click.echo("Gaps: none")
            return
        click.echo(f"Gaps: {sum(s.minutes for s in holes)} min")
        for seg in holes:
            d = local_date(seg.start, tz)
            click.echo(
                f"  {DAYS[d.weekday()]} {d:%d/%m} "
                f"{_hm(seg.start, tz)}–{_hm(seg.end, tz)} ({seg.minutes} min)"
            )


def _hm(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%H:%M")
