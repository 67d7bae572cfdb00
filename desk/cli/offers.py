"""`desk offer gap|list|withdraw|policy|auto`: offers to the network, for scripts.

`gap` takes the client's local wall time and prints the new offer's id; `list --json`
prints {"offers": [...], "activity": [...]} (activity: per partner and month).
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from sqlalchemy import select

from desk.base.wall_time import local_to_utc
from desk.cli.base import clock_from, main, settings_from
from desk.cli.session import cli_session
from desk.models import Client
from desk.offers import closing, settings
from desk.offers.activity import activity, list_offers
from desk.offers.making import offer_gap
from desk.offers.sending import send_due

WHEN = click.DateTime(["%Y-%m-%dT%H:%M"])


@main.group("offer")
def offer() -> None:
    """Rota gaps offered to the network: the first partner to accept takes it."""


@offer.command("gap")
@click.option("--client", "slug", required=True, help="client slug")
@click.option("--from", "first", required=True, type=WHEN, help="YYYY-MM-DDTHH:MM, local")
@click.option("--to", "last", required=True, type=WHEN, help="YYYY-MM-DDTHH:MM, local")
@click.pass_context
def gap(ctx: click.Context, slug: str, first: datetime, last: datetime) -> None:
    """Offer the client's gap from --from to --to (its local time); prints the offer's id."""
    now = clock_from(ctx)()
    with cli_session(ctx) as session:
        client = session.scalar(select(Client).where(Client.slug == slug))
        if client is None:
            raise click.ClickException(f"no client {slug!r}")
        zone = ZoneInfo(client.timezone)
        start = local_to_utc(first.date(), first.time(), zone)
        end = local_to_utc(last.date(), last.time(), zone)
        made = offer_gap(session, client.id, start, end, now)
        send_due(session, now, settings_from(ctx)["server.public_base_url"], offer_id=made.id)
        offer_id = made.id
    click.echo(offer_id)


@offer.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON: offers and activity per partner")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> None:
    """Every offer: id, client, window, state, who took it, who it went to."""
    now = clock_from(ctx)()
    with cli_session(ctx) as session:
        offers = list_offers(session)
        counts = activity(session, now)
    if as_json:
        data = {"offers": [o.data() for o in offers], "activity": [a.data() for a in counts]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for o in offers:
        who = ", ".join(r["name"] for r in o.offered_to)
        taken = f" by {o.taken_by}" if o.taken_by else ""
        when = f"{o.starts_at.isoformat()} → {o.ends_at.isoformat()}"
        click.echo(f"{o.id}  {o.client}  {when}  {o.state}{taken}  to: {who}")
    if not offers:
        click.echo("none")


@offer.command("withdraw")
@click.argument("offer_id", type=int)
@click.pass_context
def withdraw(ctx: click.Context, offer_id: int) -> None:
    """Withdraw an offer; if taken, her mission shift and pay line go and she is told."""
    now = clock_from(ctx)()
    with cli_session(ctx) as session:
        done = closing.withdraw(session, offer_id, now)
        state = done.state
    click.echo(f"{offer_id} {state}")


@offer.command("policy")
@click.option("--wave-delay", type=int, default=None, help="minutes between waves")
@click.option("--desk/--partners-only", "include_desk", default=None, help="offer own staff too")
@click.pass_context
def policy(ctx: click.Context, wave_delay: int | None, include_desk: bool | None) -> None:
    """Show or set the delay between waves and whether the desk's own secretaries are
    offered gaps (after the partners)."""
    with cli_session(ctx) as session:
        rules = settings.set_policy(session, wave_delay, include_desk)
        line = f"wave delay {rules.wave_delay_minutes} min, desk's own: {rules.include_desk}"
    click.echo(line)


@offer.command("auto")
@click.option("--client", "slug", required=True, help="client slug")
@click.option("--days", type=int, required=True, help="days ahead; 0: never automatically")
@click.pass_context
def auto(ctx: click.Context, slug: str, days: int) -> None:
    """Offer the client's gaps automatically, this many days ahead."""
    with cli_session(ctx) as session:
        client = session.scalar(select(Client).where(Client.slug == slug))
        if client is None:
            raise click.ClickException(f"no client {slug!r}")
        settings.set_days_ahead(session, client.id, days)
    click.echo(f"{slug}: {days} days ahead")
