"""`desk simulate rush`: a lunch-rush rehearsal (`desk.rehearsal.run`) beside Erlang A.

Runs the real app in this process on a scratch copy of the desk, in virtual time: the live
database is only read, nothing is sent. `--json` prints the report for scripts.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import click

from desk.app import scratch_stage
from desk.base.errors import DomainError
from desk.base.words import gettext_for
from desk.calls.simulation import SimulationError
from desk.cli.base import clock_from, database_from, domain_failure, settings_from
from desk.cli.simulate import parse_at, simulate
from desk.rehearsal.clock import RunawayRehearsal
from desk.rehearsal.run import DEFAULT_PATIENCE, RushRequest, rehearse
from desk.rehearsal.tally import RushReport, table

PARIS = ZoneInfo("Europe/Paris")


@simulate.command("rush")
@click.option("--client", "slug", required=True, help="client slug")
@click.option("--calls", type=int, required=True, help="callers over the rush")
@click.option("--minutes", type=float, required=True, help="length of the rush")
@click.option("--talk", type=float, default=None, help="mean talk, seconds (default: observed)")
@click.option("--patience", type=float, default=DEFAULT_PATIENCE, show_default=True)
@click.option("--secretaries", default="", help="comma list of e-mails or names (default: rota)")
@click.option("--queue/--no-queue", default=True, help="--no-queue: as if no queue")
@click.option("--at", "at", default=None, help="ISO start (naive = Paris; default: next lunch)")
@click.option("--press-1", "press_1", type=float, default=0.0, help="share pressing 1 when held")
@click.option("--press-2", "press_2", type=float, default=0.0, help="share pressing 2 when held")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@click.pass_context
def rush(
    ctx: click.Context,
    slug: str,
    calls: int,
    minutes: float,
    talk: float | None,
    patience: float,
    secretaries: str,
    queue: bool,
    at: str | None,
    press_1: float,
    press_2: float,
    seed: int,
    as_json: bool,
) -> None:
    """Play CALLS callers over MINUTES against the desk's webhooks, with virtual
    secretaries, and print what happened beside Erlang A's prediction."""
    settings = settings_from(ctx)
    request = RushRequest(
        client=slug,
        calls=calls,
        minutes=minutes,
        talk=talk,
        patience=patience,
        secretaries=tuple(s.strip() for s in secretaries.split(",") if s.strip()),
        queue=queue,
        at=parse_at(at),
        press_1=press_1,
        press_2=press_2,
        seed=seed,
    )
    try:
        done = rehearse(database_from(ctx), settings, request, scratch_stage, clock_from(ctx)())
    except DomainError as exc:
        raise domain_failure(ctx, exc) from None
    except (SimulationError, RunawayRehearsal) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(done.report.as_dict(), ensure_ascii=False, indent=2))
        return
    _print(done.report, settings["server.default_locale"])


def _print(report: RushReport, locale: str) -> None:
    _ = gettext_for(locale)
    at = report.at.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")
    click.secho(
        _("Rehearsal of %(client)s from %(at)s (Paris time), %(minutes)s minutes")
        % {"client": report.client, "at": at, "minutes": f"{report.minutes:g}"},
        bold=True,
    )
    team = ", ".join(report.team) or "–"
    click.echo(_("Secretaries: %(team)s") % {"team": team})
    load = _("Load: %(per_hour)s calls an hour, talk %(talk)s s, wrap-up %(wrap)s s")
    talk = f"{report.talk_seconds:.0f}"
    click.echo(
        load
        % {"per_hour": f"{report.calls_per_hour:g}", "talk": talk, "wrap": report.wrap_up_seconds}
    )
    patience = f"{report.patience_seconds:.0f}"
    click.echo(_("Callers' patience: %(seconds)s s") % {"seconds": patience})
    if report.queue and report.max_wait_seconds > 0:
        click.echo(
            _("Queue: up to %(seconds)s s, then voicemail") % {"seconds": report.max_wait_seconds}
        )
    else:
        click.echo(_("No queue: voicemail when everyone is busy"))
    rows = [(_(label), done, model) for label, done, model in table(report, locale)]
    head = ("", _("Rehearsal"), _("Erlang A"))
    width = max(len(label) for label, _d, _m in [head, *rows])
    for label, done, model in [head, *rows]:
        click.echo(f"{label:<{width}}  {done:>10}  {model:>10}")
    if report.overlaps:
        click.secho(
            _("%(count)s times a secretary was rung while on a call") % {"count": report.overlaps},
            fg="red",
        )
