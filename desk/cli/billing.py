"""The money commands: `desk statements issue|list`, `desk invoice export|send|credit|pay`,
`desk payouts`, `desk quote create`, `desk billing export`.

Names and `--json` output are a public contract: scripts depend on them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.base.words import gettext_for, say
from desk.billing import amounts
from desk.billing.collection import record_payment, send_invoice
from desk.billing.exports import (
    invoices_csv,
    payments_csv,
    payout_rows,
    payouts_csv,
    statement_rows,
)
from desk.billing.invoices import check_month, credit_note, invoice_by_number, issue_statements
from desk.billing.money import euros
from desk.billing.month_view import why_no_invoice
from desk.billing.payouts import refresh_month
from desk.billing.plans import client_by_slug
from desk.billing.quotes import Needs, create_quote
from desk.cli.base import clock_from, database_from, main, settings_from


@contextmanager
def _session(ctx: click.Context) -> Iterator[Session]:
    """A committed session; a DomainError becomes the command's error, in the desk's language."""
    locale = settings_from(ctx)["server.default_locale"]
    try:
        with database_from(ctx).session() as session:
            yield session
    except DomainError as exc:
        raise click.ClickException(say(exc, gettext_for(locale))) from None


def _words(ctx: click.Context) -> Callable[[str], str]:
    """gettext in the desk's language (`server.default_locale`): what a command prints."""
    return gettext_for(settings_from(ctx)["server.default_locale"])


def _month(ctx: click.Context, month: str) -> str:
    try:
        check_month(month, clock_from(ctx)().astimezone(ZoneInfo("Europe/Paris")).date())
    except DomainError as exc:
        locale = settings_from(ctx)["server.default_locale"]
        raise click.BadParameter(say(exc, gettext_for(locale)), param_hint="--month") from None
    return month


@main.group("statements")
def statements() -> None:
    """Monthly statements (invoices) per client."""


@statements.command("issue")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--client", "slug", default=None, help="only this client (slug)")
@click.pass_context
def statements_issue(ctx: click.Context, month: str, slug: str | None) -> None:
    """Issue the month's invoices (idempotent: a second run issues nothing new)."""
    _ = _words(ctx)
    with _session(ctx) as session:
        results = issue_statements(session, _month(ctx, month), clock_from(ctx)(), slug)
    for result in results:
        state = _("issued") if result.new else _("already issued")
        click.echo(
            f"{result.number}  {result.client_slug}  {euros(result.total_ttc_cents)}  {state}"
        )
    if not any(r.new for r in results):
        click.echo(_("Nothing new to issue."))
        with _session(ctx) as session:
            why = why_no_invoice(session, _month(ctx, month))
        if why.no_client:
            click.echo(_("No active client: add a client first."))
        if why.without_contract:
            names = ", ".join(why.without_contract)
            click.echo(
                _(
                    "No contract for %(names)s: nothing to invoice. Set a contract on the "
                    "Prices page, or send a quote."
                )
                % {"names": names}
            )


@statements.command("list")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def statements_list(ctx: click.Context, month: str, as_json: bool) -> None:
    """The month's invoices and credit notes."""
    with _session(ctx) as session:
        rows = statement_rows(session, _month(ctx, month))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _ = _words(ctx)
    for row in rows:
        due = _("due %(day)s") % {"day": row["due_on"]}
        click.echo(
            f"{row['number']}  {row['client']:<24} {euros(row['total_ttc_cents']):>14}  "
            f"{row['state']}  {due}"
        )


@main.group("invoice")
def invoice() -> None:
    """One invoice: export its PDF, e-mail it, record a payment, correct it."""


@invoice.command("export")
@click.argument("number")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def invoice_export(ctx: click.Context, number: str, output: Path) -> None:
    """Write the invoice's Factur-X PDF (exactly as issued) to --output."""
    with _session(ctx) as session:
        pdf = invoice_by_number(session, number).pdf
    output.write_bytes(pdf)
    _ = _words(ctx)
    click.echo(_("%(file)s (%(size)s bytes)") % {"file": output, "size": len(pdf)})


@invoice.command("send")
@click.argument("number")
@click.pass_context
def invoice_send(ctx: click.Context, number: str) -> None:
    """E-mail the invoice with its PDF to the client (through the outbox, once)."""
    with _session(ctx) as session:
        send_invoice(session, number, clock_from(ctx)())
    _ = _words(ctx)
    click.echo(_("%(number)s: queued for sending.") % {"number": number})


@invoice.command("pay")
@click.argument("number")
@click.option("--amount", required=True, help="in euros, e.g. 119.09")
@click.option("--date", "received", default=None, help="YYYY-MM-DD (default today)")
@click.option("--method", default="virement")
@click.option("--reference", default="")
@click.pass_context
def invoice_pay(
    ctx: click.Context, number: str, amount: str, received: str | None, method: str, reference: str
) -> None:
    """Record a payment, full or partial."""
    try:
        cents = amounts.cents(amount, "amount")  # "178,80", "1 234,50", "119.09"
    except DomainError as exc:
        locale = settings_from(ctx)["server.default_locale"]
        raise click.BadParameter(say(exc, gettext_for(locale)), param_hint="--amount") from None
    try:
        day = date.fromisoformat(received) if received else clock_from(ctx)().date()
    except ValueError:
        raise click.BadParameter("a date like 2026-11-25", param_hint="--date") from None
    with _session(ctx) as session:
        tracking = record_payment(session, number, cents, day, clock_from(ctx)(), method, reference)
        state, paid = tracking.state, tracking.paid_cents
    _ = _words(ctx)
    click.echo(
        _("%(number)s: %(state)s, %(paid)s paid")
        % {"number": number, "state": state, "paid": euros(paid)}
    )


@invoice.command("credit")
@click.argument("number")
@click.option("--reason", required=True)
@click.pass_context
def invoice_credit(ctx: click.Context, number: str, reason: str) -> None:
    """Issue a credit note cancelling invoice NUMBER."""
    with _session(ctx) as session:
        note = credit_note(session, number, reason, clock_from(ctx)())
        made = note.number
    _ = _words(ctx)
    click.echo(_("%(credit)s cancels %(number)s") % {"credit": made, "number": number})


@main.command("payouts")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def payouts_command(ctx: click.Context, month: str, as_json: bool) -> None:
    """What each partner earned in the month (missions recomputed unless invoiced)."""
    with _session(ctx) as session:
        refresh_month(session, _month(ctx, month), clock_from(ctx)())
        rows = payout_rows(session, month)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']:<20} {row['missions']:>4} missions  {euros(row['earned_cents'])}")


@main.group("quote")
def quote() -> None:
    """Quotes (devis) for prospects."""


@quote.command("create")
@click.option("--client", "slug", default="", help="an existing client (slug): its contract")
@click.option("--name", default="", help="the prospect (practice or company)")
@click.option("--email", default="", help="default with --client: its billing e-mail")
@click.option("--plan", "plan_name", required=True, help="price plan name")
@click.option("--calls-per-week", type=int, required=True)
@click.option("--window", "windows", multiple=True, help='e.g. "lun-ven 12:00-14:00" (repeat)')
@click.option("--option", "options", multiple=True, help="an option asked for (repeat)")
@click.option("--siren", default="")
@click.option("--address", default="", help="lines separated by '\\n'")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def quote_create(
    ctx: click.Context,
    slug: str,
    name: str,
    email: str,
    plan_name: str,
    calls_per_week: int,
    windows: tuple[str, ...],
    options: tuple[str, ...],
    siren: str,
    address: str,
    output: Path | None,
) -> None:
    """Price, number and e-mail a quote with its acceptance link. With --client, accepting
    it sets that client's contract and starts its coverage (no new client)."""
    base = settings_from(ctx)["server.public_base_url"]
    with _session(ctx) as session:
        client_id = client_by_slug(session, slug).id if slug else None
        made, token = create_quote(
            session,
            prospect_name=name,
            prospect_email=email,
            plan_name=plan_name,
            needs=Needs(list(windows), calls_per_week, list(options)),
            now=clock_from(ctx)(),
            base_url=base,
            siren=siren,
            address=address.replace("\\n", "\n"),
            locale=settings_from(ctx)["server.default_locale"],
            client_id=client_id,
        )
        number, total, pdf = made.number, made.monthly_estimate_cents, made.pdf
        email = made.prospect_email
    if output is not None:
        output.write_bytes(pdf)
    _ = _words(ctx)
    click.echo(
        _("%(number)s: %(total)s incl. VAT a month (estimate), sent to %(email)s")
        % {"number": number, "total": euros(total), "email": email}
    )
    click.echo(_("Acceptance link: %(url)s") % {"url": f"{base.rstrip('/')}/quote/{token}"})


@main.group("billing")
def billing() -> None:
    """Exports for the accountant."""


@billing.command("export")
@click.argument("what", type=click.Choice(["invoices", "payments", "payouts"]))
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def billing_export(ctx: click.Context, what: str, month: str, output: Path | None) -> None:
    """CSV (semicolons, dot decimals) of the month's invoices, payments or payouts."""
    makers = {"invoices": invoices_csv, "payments": payments_csv, "payouts": payouts_csv}
    with _session(ctx) as session:
        text = makers[what](session, _month(ctx, month))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(str(output))
