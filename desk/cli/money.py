"""The money set-up from the command line: `desk plan add|list`, `desk contract set`,
`desk agreement set`. Amounts as people type them ("89,00", "1 234,50", "89.00");
output and errors in the desk's language (`server.default_locale`); names and `--json`
output are a public contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.base.words import N_, gettext_for, say
from desk.billing import terms
from desk.billing.money import euros
from desk.cli.base import clock_from, database_from, main, settings_from
from desk.models.audit_trail import set_actor

# Field names of the domain -> the option a person typed.
OPTIONS = {
    "valid_from": "--from",
    "per_mission": "--per-mission",
    "percent": "--percent",
    "client": "--client",
    "secretary": "--secretary",
    "plan": "--plan",
    "from": "--from",
    "start": "--from",
    "to": "--to",
    "end": "--to",
    "trainings": "--client",
}


def tell(ctx: click.Context, msgid: str, **params: object) -> str:
    """`msgid` in the desk's language, its params filled in."""
    text = gettext_for(settings_from(ctx)["server.default_locale"])(msgid)
    return text % params if params else text


def failure(ctx: click.Context, error: DomainError) -> click.ClickException:
    """The error in the desk's language, after the option at fault (--monthly-fee: …)."""
    words = say(error, gettext_for(settings_from(ctx)["server.default_locale"]))
    if error.field:
        option = OPTIONS.get(error.field, "--" + error.field.replace("_", "-"))
        words = f"{option} : {words}"
    return click.ClickException(words)


@contextmanager
def money_session(ctx: click.Context) -> Iterator[Session]:
    """Committed when the block ends; a DomainError rolls back and is the command's error."""
    try:
        with database_from(ctx).session() as session:
            set_actor(session, "cli")
            yield session
    except DomainError as exc:
        raise failure(ctx, exc) from None


@main.group("plan")
def plan() -> None:
    """Price plans: a monthly fee, included calls, a price per call and per minute."""


@plan.command("add")
@click.option("--name", required=True)
@click.option("--monthly-fee", "monthly_fee", required=True, help="euros, e.g. 89,00")
@click.option("--included-calls", "included_calls", required=True, help="calls in the fee")
@click.option("--per-call", "per_call", required=True, help="euros per call beyond them")
@click.option("--per-minute", "per_minute", default="", help="euros per started minute")
@click.option("--out-of-hours-percent", "out_of_hours", default="", help="surcharge, e.g. 25")
@click.option("--vat-rate", "vat_rate", default="", help="percent (default 20)")
@click.pass_context
def plan_add(
    ctx: click.Context,
    name: str,
    monthly_fee: str,
    included_calls: str,
    per_call: str,
    per_minute: str,
    out_of_hours: str,
    vat_rate: str,
) -> None:
    """Add a price plan; contracts and quotes name it."""
    data = terms.PlanInput(
        name, monthly_fee, included_calls, per_call, per_minute, out_of_hours, vat_rate
    )
    with money_session(ctx) as session:
        made = terms.add_plan(session, data)
        fee, name = made.monthly_fee_cents, made.name
    click.echo(
        tell(ctx, N_("Price plan %(name)s added (%(fee)s a month)."), name=name, fee=euros(fee))
    )


@plan.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def plan_list(ctx: click.Context, as_json: bool) -> None:
    """The price plans."""
    with money_session(ctx) as session:
        rows = [terms.plan_row(p) for p in terms.all_plans(session)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(tell(ctx, N_("No price plan yet: add one with desk plan add.")))
    for row in rows:
        click.echo(
            tell(
                ctx,
                N_("%(name)s: %(fee)s a month, %(calls)s calls included, %(per_call)s per call"),
                name=row["name"],
                fee=euros(int(str(row["monthly_fee_cents"]))),
                calls=row["included_calls"],
                per_call=euros(int(str(row["per_call_cents"]))),
            )
        )


@main.group("contract")
def contract() -> None:
    """A client's contract: which price plan it pays, from which day."""


@contract.command("set")
@click.option("--client", "slug", required=True)
@click.option("--plan", "plan_name", required=True, help="price plan name")
@click.option("--from", "first", required=True, help="YYYY-MM-DD (a change mid-month splits it)")
@click.pass_context
def contract_set(ctx: click.Context, slug: str, plan_name: str, first: str) -> None:
    """From --from on, the client pays the plan's prices."""
    with money_session(ctx) as session:
        client = terms.client_by_slug(session, slug)
        made = terms.contract_from(session, client, plan_name, terms.day(first))
        name, since = client.name, made.valid_from
    click.echo(
        tell(
            ctx,
            N_("%(client)s pays %(plan)s from %(day)s."),
            client=name,
            plan=plan_name.strip(),
            day=f"{since:%d/%m/%Y}",
        )
    )


@main.group("agreement")
def agreement() -> None:
    """Partners' pay: a share of what the client pays, or a fixed amount per mission."""


@agreement.command("set")
@click.option("--secretary", "email", required=True, help="the partner's e-mail")
@click.option("--percent", default="", help="her share of what the client pays, e.g. 60")
@click.option("--per-mission", "per_mission", default="", help="euros per mission, e.g. 1,50")
@click.option("--client", "slug", default="", help="only for this client (default: all)")
@click.option("--from", "first", default="", help="YYYY-MM-DD (default: today)")
@click.pass_context
def agreement_set(
    ctx: click.Context, email: str, percent: str, per_mission: str, slug: str, first: str
) -> None:
    """Set a partner's pay from a date, for all clients or one."""
    with money_session(ctx) as session:
        secretary = terms.secretary_by_email(session, email)
        since = terms.day(first) if first.strip() else clock_from(ctx)().date()
        made = terms.set_partner_agreement(
            session, secretary, terms.AgreementInput(percent, per_mission, slug), since
        )
        name, share = secretary.name, made.percent if made.mode == "percent" else None
        fixed = made.fixed_cents
    pay = (
        tell(ctx, N_("%(percent)s %% of what the client pays"), percent=share)
        if share is not None
        else tell(ctx, N_("%(amount)s per mission"), amount=euros(fixed))
    )
    scope = (
        tell(ctx, N_("for %(client)s"), client=slug) if slug else tell(ctx, N_("for all clients"))
    )
    click.echo(
        tell(
            ctx,
            N_("%(name)s earns %(pay)s, %(scope)s, from %(day)s."),
            name=name,
            pay=pay,
            scope=scope,
            day=f"{since:%d/%m/%Y}",
        )
    )
