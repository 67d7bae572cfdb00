"""The money set-up pages (admin): price plans, clients' contracts, partners' agreements,
and a quote for an existing client (the *Devis* button of its page)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from desk.billing import amounts, terms
from desk.billing.money import euros
from desk.billing.month_view import why_no_invoice
from desk.billing.plans import contracts_of
from desk.billing.quotes import Needs, coverage_lines, create_quote
from desk.clients.lifecycle import all_clients
from desk.models import PricePlan
from desk.request_context import db_session, now, settings
from desk.web import bp
from desk.web.common import admin_required, apply_form, visible_client
from desk.web.money_forms import AgreementForm, ContractForm, PlanForm, QuoteForm


def _today() -> date:
    return now().astimezone(ZoneInfo("Europe/Paris")).date()


def _plan_choices() -> list[SelectChoice]:
    return [SelectChoice(p.name, p.name) for p in terms.all_plans(db_session())]


def _client_choices() -> list[SelectChoice]:
    return [SelectChoice(c.slug, c.name) for c in all_clients(db_session())]


def _forms(**given: FlaskForm) -> dict[str, FlaskForm]:
    plan = given.get("plan_form") or PlanForm(prefix="plan", formdata=None)
    contract = given.get("contract_form") or ContractForm(prefix="contract", formdata=None)
    agreement = given.get("agreement_form") or AgreementForm(prefix="agreement", formdata=None)
    contract.client.choices = _client_choices()
    contract.plan.choices = _plan_choices()
    partners = terms.partners(db_session(), active_only=True)
    agreement.secretary.choices = [SelectChoice(s.email or "", s.name) for s in partners if s.email]
    agreement.client.choices = [
        SelectChoice("", _("All clients")),
        *_client_choices(),
    ]
    today = _today().isoformat()
    for form in (contract, agreement):
        if not form.valid_from.data:
            form.valid_from.data = today
    return {"plan_form": plan, "contract_form": contract, "agreement_form": agreement}


def _page(status: int = 200, **given: FlaskForm) -> ResponseReturnValue:
    session = db_session()
    clients = all_clients(session)
    plans = terms.all_plans(session)
    contracts = terms.all_contracts(session)
    partners = terms.partners(session)
    return render_template(
        "desk/prices.html",
        plans=plans,
        clients=clients,
        contracts=contracts,
        plans_by_id={p.id: p.name for p in plans},
        partners=partners,
        agreements=terms.all_agreements(session),
        euros=euros,
        **_forms(**given),
    ), status


@bp.get("/prices/")
@admin_required
def prices() -> ResponseReturnValue:
    return _page()


@bp.post("/prices/plans")
@admin_required
def prices_add_plan() -> ResponseReturnValue:
    form = PlanForm(prefix="plan")

    def apply() -> object:
        return terms.add_plan(
            db_session(),
            terms.PlanInput(
                name=form.name.data or "",
                monthly_fee=form.monthly_fee.data or "",
                included_calls=form.included_calls.data or "",
                per_call=form.per_call.data or "",
                per_minute=form.per_minute.data or "",
                out_of_hours_percent=form.out_of_hours_percent.data or "",
                vat_rate=form.vat_rate.data or "",
            ),
        )

    if apply_form(form, apply, _("Price plan %(name)s added.", name=form.name.data or "")):
        return redirect(url_for("desk.prices") + "#plans")
    return _page(400, plan_form=form)


@bp.post("/prices/contracts")
@admin_required
def prices_set_contract() -> ResponseReturnValue:
    form = ContractForm(prefix="contract")
    _forms(contract_form=form)
    back = request.args.get("back", "")

    def apply() -> object:
        session = db_session()
        client = terms.client_by_slug(session, form.client.data or "")
        return terms.contract_from(
            session, client, form.plan.data or "", terms.day(form.valid_from.data or "")
        )

    if apply_form(form, apply, _("Contract set.")):
        return redirect(
            back if back.startswith("/desk/") else url_for("desk.prices") + "#contracts"
        )
    return _page(400, contract_form=form)


@bp.post("/prices/agreements")
@admin_required
def prices_set_agreement() -> ResponseReturnValue:
    form = AgreementForm(prefix="agreement")
    _forms(agreement_form=form)
    back = request.args.get("back", "")

    def apply() -> object:
        session = db_session()
        secretary = terms.secretary_by_email(session, form.secretary.data or "")
        data = terms.AgreementInput(
            percent=form.percent.data or "",
            per_mission=form.per_mission.data or "",
            client_slug=form.client.data or "",
        )
        return terms.set_partner_agreement(
            session, secretary, data, terms.day(form.valid_from.data or "")
        )

    if apply_form(form, apply, _("Agreement set.")):
        return redirect(
            back if back.startswith("/desk/") else url_for("desk.prices") + "#agreements"
        )
    return _page(400, agreement_form=form)


def _back(back: str, anchor: str) -> str:
    """Where a form sends the admin back: a desk page it came from, else the Prices page."""
    if back.startswith("/desk/") and not back.startswith("/desk//"):
        return back
    return url_for("desk.prices") + anchor


@bp.route("/clients/<int:client_id>/quote", methods=["GET", "POST"])
@admin_required
def client_quote(client_id: int) -> ResponseReturnValue:
    """A quote for this client: accepting it sets this client's contract (no new client)."""
    client = visible_client(client_id)
    form = QuoteForm(prefix="quote")
    form.plan.choices = _plan_choices()
    if request.method == "GET":
        form.windows.data = coverage_lines(db_session(), client)
    made: list[Any] = []

    def apply() -> object:
        calls = amounts.count(form.calls_per_week.data or "", "calls_per_week")
        base = str(settings()["server.public_base_url"])
        quote, token = create_quote(
            db_session(),
            prospect_name="",
            prospect_email=form.email.data or "",
            plan_name=form.plan.data or "",
            needs=Needs(_lines(form.windows.data), calls, _lines(form.options.data)),
            now=now(),
            base_url=base,
            client_id=client.id,
        )
        made.append((quote.number, quote.prospect_email, f"{base.rstrip('/')}/quote/{token}"))
        return quote

    if apply_form(form, apply, _("Quote sent.")):
        number, email, link = made[0]
        return render_template(
            "desk/client_quote.html", client=client, form=None, number=number, email=email,
            link=link,
        )  # fmt: skip
    if not form.plan.choices:
        form.plan.errors = [_("No price plan yet: add one on the Prices page first.")]
    status = 400 if request.method == "POST" else 200
    return render_template("desk/client_quote.html", client=client, form=form), status


def nothing_issued_words(session: Session, month: str, new: int) -> list[str]:
    """Why issuing `month` left clients without an invoice (and, when it made none, which
    were issued already), in the reader's words (for the billing page)."""
    why = why_no_invoice(session, month)
    words = []
    if why.no_client and not new:
        words.append(_("No active client: add a client first."))
    if why.without_contract:
        words.append(
            _(
                "No contract for %(names)s: nothing to invoice. Set a contract on the Prices "
                "page, or send a quote.",
                names=", ".join(why.without_contract),
            )
        )
    if why.already_issued and not new:
        words.append(_("Already issued for %(names)s.", names=", ".join(why.already_issued)))
    return words


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@bp.app_context_processor
def _money_of_client() -> dict[str, object]:
    """`contract_of(client_id)` for the client's page: its contract in force today."""

    def contract_of(client_id: int) -> dict[str, object] | None:
        today = _today()
        every = contracts_of(db_session(), client_id)
        versions = [c for c in every if c.valid_from <= today]
        later = [c for c in every if c.valid_from > today]
        current = versions[-1] if versions else None
        if current is None and not later:
            return None
        name = ""
        if current is not None and current.plan_id is not None:
            plan = db_session().get(PricePlan, current.plan_id)
            name = plan.name if plan is not None else ""
        return {"current": current, "plan": name, "next": later[0] if later else None}

    def agreements_for(secretary_id: int) -> dict[str, object]:
        session = db_session()
        return {
            "rows": terms.agreements_of(session, secretary_id),
            "clients": [(c.slug, c.name) for c in all_clients(session)],
            "today": _today().isoformat(),
            "euros": euros,
        }

    return {"contract_of": contract_of, "agreements_for": agreements_for}
