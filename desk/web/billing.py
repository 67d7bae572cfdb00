"""The money pages: the month's statements (admin) and partner payouts (hers to a partner)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from desk.base.errors import DomainError
from desk.base.words import say
from desk.billing import amounts
from desk.billing.collection import (
    coverage_watch,
    decide_coverage,
    late_penalty,
    overdue_client_ids,
    record_payment,
    send_invoice,
)
from desk.billing.exports import statement_rows
from desk.billing.invoices import (
    check_month,
    invoice_by_number,
    invoices_of_month,
    issue_statements,
)
from desk.billing.money import euros
from desk.billing.month_view import why_no_pay
from desk.billing.payouts import margins, payouts, refresh_month
from desk.billing.quotes import coverage_basis, start_coverage
from desk.models.billing import InvoiceState
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.billing_forms import CoverageForm, IssueForm, PaymentForm, SendForm
from desk.web.common import admin_required
from desk.web.money import nothing_issued_words

STATES = {
    "issued": _l("Issued"),
    "sent": _l("Sent"),
    "paid": _l("Paid"),
    "overdue": _l("Overdue"),
    "credited": _l("Credited"),
}


def _month() -> str:
    month = request.args.get("month", "")
    today = now().astimezone(ZoneInfo("Europe/Paris")).date()
    if len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit():
        return month
    return f"{today:%Y-%m}"


def _done(message: str, month: str) -> ResponseReturnValue:
    db_session().commit()
    flash(message)
    return redirect(url_for("desk.billing", month=month))


def _failed(error: DomainError, month: str) -> ResponseReturnValue:
    db_session().rollback()
    flash(say(error, gettext), "error")
    return redirect(url_for("desk.billing", month=month))


@bp.app_context_processor
def _overdue() -> dict[str, object]:
    # A function, so a page that shows no client asks the database nothing.
    found: list[set[int]] = []

    def ids() -> set[int]:
        if not found:
            found.append(overdue_client_ids(db_session()))
        return found[0]

    return {"overdue_client_ids": ids}


@bp.get("/billing/")
@admin_required
def billing() -> ResponseReturnValue:
    month = _month()
    session = db_session()
    today = now().astimezone(ZoneInfo("Europe/Paris")).date()
    rows = statement_rows(session, month)
    invoices = {i.number: i for i in invoices_of_month(session, month)}
    for row in rows:
        # A credited invoice owes nothing: no penalty either.
        owed = row["state"] != InvoiceState.CREDITED
        row["penalty"] = late_penalty(invoices[row["number"]], row["paid_cents"], today, owed)
    by_client, by_partner = margins(session, month)
    return render_template(
        "desk/billing.html",
        month=month,
        rows=rows,
        states=STATES,
        euros=euros,
        by_client=by_client,
        by_partner=by_partner,
        issue_form=IssueForm(month=month),
        month_over=month < f"{now().astimezone(ZoneInfo('Europe/Paris')).date():%Y-%m}",
        send_form=SendForm(),
        payment_form=PaymentForm(),
        watch=coverage_watch(session, request.args.get("client_q", "")),
        overdue=overdue_client_ids(session),
        coverage_form=CoverageForm(),
        basis=coverage_basis(session),
    )


@bp.post("/billing/issue")
@admin_required
def billing_issue() -> ResponseReturnValue:
    form = IssueForm()
    month = form.month.data or _month()
    if not form.validate_on_submit():
        abort(400)
    try:
        issued = issue_statements(db_session(), month, now())
    except DomainError as error:
        return _failed(error, month)
    new = sum(1 for r in issued if r.new)
    for reason in nothing_issued_words(db_session(), month, new):
        flash(reason, "error")
    return _done(gettext("%(count)d invoice(s) issued.", count=new), month)


@bp.get("/billing/invoices/<number>.pdf")
@admin_required
def billing_pdf(number: str) -> Response:
    try:
        invoice = invoice_by_number(db_session(), number)
    except DomainError:
        abort(404)
    return Response(
        invoice.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{invoice.number}.pdf"'},
    )


@bp.post("/billing/invoices/<number>/send")
@admin_required
def billing_send(number: str) -> ResponseReturnValue:
    month = request.args.get("month", "")
    if not SendForm().validate_on_submit():
        abort(400)
    try:
        send_invoice(db_session(), number, now())
    except DomainError as error:
        return _failed(error, month)
    return _done(gettext("Invoice %(number)s will be e-mailed.", number=number), month)


@bp.post("/billing/invoices/<number>/payments")
@admin_required
def billing_payment(number: str) -> ResponseReturnValue:
    month = request.args.get("month", "")
    form = PaymentForm()
    if not form.validate_on_submit():
        flash(gettext("Enter an amount like 119.09."), "error")
        return redirect(url_for("desk.billing", month=month))
    day = form.received_on.data or now().date()
    try:
        # "178,80", "1 234,50" and "119.09" alike; inf, nan and absurd amounts refused.
        cents = amounts.cents(form.amount.data, "amount")
        record_payment(db_session(), number, cents, day, now(), reference=form.reference.data or "")
    except DomainError as error:
        return _failed(error, month)
    return _done(gettext("Payment recorded."), month)


@bp.post("/billing/clients/<int:client_id>/coverage")
@admin_required
def billing_coverage(client_id: int) -> ResponseReturnValue:
    month = request.args.get("month", "")
    form = CoverageForm()
    if not form.validate_on_submit() or form.action.data not in ("suspend", "resume"):
        abort(400)
    try:
        decide_coverage(
            db_session(), client_id, form.action.data, form.reason.data or "",
            current_user.id, bool(form.confirm.data),
        )  # fmt: skip
    except DomainError as error:
        return _failed(error, month)
    done = (
        gettext("Coverage suspended: callers get the after-hours message.")
        if form.action.data == "suspend"
        else gettext("Coverage resumed.")
    )
    return _done(done, month)


@bp.post("/billing/clients/<int:client_id>/start")
@admin_required
def billing_start(client_id: int) -> ResponseReturnValue:
    """Start a client's coverage: on its accepted quote, or on the admin's written reason."""
    month = request.args.get("month", "")
    form = CoverageForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        start_coverage(db_session(), client_id, current_user.id, form.reason.data or "")
    except DomainError as error:
        return _failed(error, month)
    return _done(gettext("Coverage may start."), month)


@bp.get("/payouts/")
@login_required
def payouts_page() -> ResponseReturnValue:
    """An admin sees every partner's payout; a secretary sees only her own."""
    if current_user.role == "admin":
        mine = None
    elif current_user.role == "secretary" and current_user.secretary_id is not None:
        mine = current_user.secretary_id
    else:
        abort(403)
    month = _month()
    rows = payouts(db_session(), month, mine)
    return render_template(
        "desk/payouts.html",
        month=month,
        rows=rows,
        euros=euros,
        admin=mine is None,
        why=why_no_pay(db_session(), month) if mine is None else None,
        recount_form=IssueForm(month=month),
    )


@bp.post("/payouts/recount")
@admin_required
def payouts_recount() -> ResponseReturnValue:
    """Count the month's missions now (clients not invoiced yet), as `desk payouts` does."""
    form = IssueForm()
    if not form.validate_on_submit():
        abort(400)
    month = form.month.data or _month()
    try:
        check_month(month, now().astimezone(ZoneInfo("Europe/Paris")).date())
    except DomainError as error:
        db_session().rollback()
        flash(say(error, gettext), "error")
        return redirect(url_for("desk.payouts_page"))
    refresh_month(db_session(), month, now())
    db_session().commit()
    flash(gettext("The month's missions are counted."))
    return redirect(url_for("desk.payouts_page", month=month))
