"""`desk report activity` and `desk staffing`: the activity measures and the secretaries a
load needs (Erlang C; Erlang A with a patience; the queue model with a maximum wait)."""

from __future__ import annotations

import json
from datetime import datetime

import click

from desk.base.errors import DomainError
from desk.base.words import gettext_for, say
from desk.cli.base import database_from, main
from desk.reports.erlang import staffing as erlang_staffing
from desk.reports.erlang_a import staffing_a
from desk.reports.periods import activity_by_slug
from desk.reports.queue_staffing import Setup, needed


def _fail(error: DomainError) -> click.ClickException:
    return click.ClickException(say(error, gettext_for("en")))


@main.group("report")
def report() -> None:
    """Activity reports."""


@report.command("activity")
@click.option("--client", "slug", required=True, help="client slug")
@click.option("--from", "first", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "last", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--json", "as_json", is_flag=True, help="print JSON (docs/activity.md)")
@click.pass_context
def activity(ctx: click.Context, slug: str, first: datetime, last: datetime, as_json: bool) -> None:
    """A client's measures over local days FROM..TO (both included)."""
    db = database_from(ctx)
    with db.session() as session:
        try:
            found = activity_by_slug(session, slug, first.date(), last.date())
        except DomainError as exc:
            raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return
    m = found.measures
    rate = f"{m.answer_rate:.0%}" if m.answer_rate is not None else "-"
    click.echo(f"{slug}, {found.first} to {found.last} ({found.timezone})")
    click.echo(f"offered {m.offered}, answered {m.answered} ({rate}), after hours {m.after_hours}")
    click.echo(
        f"answered by rank 1 {m.answered_first}, pair {m.answered_pair}, "
        f"partner {m.answered_partner}"
    )
    click.echo(f"abandoned {m.abandoned}, voicemails {m.voicemails}")
    click.echo(f"time to answer: median {_s(m.median_wait_seconds)}, p90 {_s(m.p90_wait_seconds)}")
    click.echo(
        f"queue: held {m.held}, waited median {_s(m.queue_wait_p50_seconds)}, "
        f"p90 {_s(m.queue_wait_p90_seconds)}, hung up while waiting {m.abandoned_waiting}"
    )
    click.echo(f"callbacks asked {m.callbacks_asked}, done {m.callbacks_done}")
    click.echo(
        f"time to a human (the wait included): median {_s(m.human_p50_seconds)}, "
        f"p90 {_s(m.human_p90_seconds)}"
    )
    click.echo(f"messages {m.messages_taken}, appointments {m.appointments_booked}")
    click.echo(f"busiest hours: {', '.join(f'{h:02d}:00' for h in m.busiest_hours) or '-'}")


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.0f} s"


@main.command("staffing")
@click.option("--calls-per-hour", required=True, type=float)
@click.option("--aht", required=True, type=float, help="mean handling time, seconds")
@click.option("--target", default=0.8, show_default=True, type=float)
@click.option("--within", default=20.0, show_default=True, type=float, help="seconds")
@click.option(
    "--patience", type=float, default=None, help="callers' mean patience, seconds (Erlang A)"
)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=None,
    help="the client's maximum wait in the queue, seconds (0: no queue)",
)
@click.option("--json", "as_json", is_flag=True)
def staffing(
    calls_per_hour: float,
    aht: float,
    target: float,
    within: float,
    patience: float | None,
    max_wait: float | None,
    as_json: bool,
) -> None:
    """Secretaries needed (Erlang C; Erlang A with --patience; the queue model, as the
    advice pages use it, with --max-wait) to answer TARGET of the calls within WITHIN
    seconds."""
    if max_wait is not None:
        _queue_staffing(calls_per_hour, aht, target, within, Setup(patience, max_wait), as_json)
        return
    try:
        if patience is None:
            found = erlang_staffing(calls_per_hour, aht, target, within)
        else:
            found = staffing_a(calls_per_hour, aht, patience, target, within)
    except DomainError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "agents": found.agents,
                    "service_level": found.service_level,
                    "occupancy": found.occupancy,
                    "traffic_erlangs": found.traffic,
                    "wait_probability": found.wait_probability,
                    "model": "erlang-c" if patience is None else "erlang-a",
                }
            )
        )
        return
    click.echo(
        f"{found.agents} secretaries: {found.service_level:.1%} answered within {within:g} s, "
        f"occupancy {found.occupancy:.0%} ({found.traffic:g} Erlangs)"
    )


def _queue_staffing(
    calls_per_hour: float, aht: float, target: float, within: float, setup: Setup, as_json: bool
) -> None:
    try:
        found = needed(calls_per_hour, aht, setup, target, within)
    except DomainError as exc:
        raise _fail(exc) from None
    seen = found.prediction
    if as_json:
        click.echo(
            json.dumps(
                {
                    "agents": found.agents,
                    "service_level": round(seen.service_level, 4),
                    "answered": round(seen.answered, 4),
                    "abandoned": round(seen.abandoned, 4),
                    "timed_out": round(seen.timed_out, 4),
                    "wait_p50_seconds": round(seen.wait_p50_seconds, 1),
                    "wait_p90_seconds": round(seen.wait_p90_seconds, 1),
                    "model": setup.model.value,
                }
            )
        )
        return
    click.echo(
        f"{found.agents} secretaries: {seen.service_level:.1%} answered within {within:g} s; "
        f"{seen.abandoned:.1%} hang up while waiting, {seen.timed_out:.1%} reach voicemail"
        f" ({setup.model.value})"
    )
