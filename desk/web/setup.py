"""First run: on an empty desk every page leads to the set-up page; the password links."""

from __future__ import annotations

from flask import Flask, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user
from stdnum import iban as stdnum_iban
from werkzeug.wrappers import Response

from desk.base.errors import DomainError
from desk.billing.amounts import euros_text
from desk.models import DeskIdentity
from desk.models.audit_trail import set_actor
from desk.people import accounts
from desk.request_context import db_session, now
from desk.setup.identity import IdentityInput, needs_setup, save_identity, set_up
from desk.web import bp
from desk.web.common import admin_required, apply_form
from desk.web.setup_forms import IdentityForm, PasswordForm, SetupForm

# Pages an empty desk still answers: the set-up page itself, the language switch.
OPEN_WHILE_EMPTY = frozenset({"desk.setup", "desk.language", "desk.set_password"})
_READY = "desk.set_up"


def init_setup(app: Flask) -> None:
    @app.before_request
    def _first_run() -> Response | None:
        endpoint = request.endpoint or ""
        if not endpoint.startswith("desk.") or endpoint in OPEN_WHILE_EMPTY:
            return None
        if app.extensions.get(_READY):
            return None
        if needs_setup(db_session()):
            return redirect(url_for("desk.setup"))
        app.extensions[_READY] = True  # once set up, never asked again
        return None

    @app.before_request
    def _actor() -> None:
        # Who the audit trail names for this request's changes.
        if (
            request.endpoint
            and request.endpoint.startswith("desk.")
            and (current_user.is_authenticated)
        ):
            set_actor(db_session(), f"user:{current_user.id}", current_user.id)


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> ResponseReturnValue:
    if not needs_setup(db_session()):
        return redirect(url_for("desk.login"))
    form = SetupForm()
    created = []

    def apply() -> object:
        set_actor(db_session(), "setup")
        admin = set_up(
            db_session(),
            _identity(form),
            form.admin_name.data or "",
            form.admin_email.data or "",
            form.password.data or "",
            form.confirm.data or "",
        )
        created.append(admin)
        return admin

    if apply_form(form, apply, _("The desk is set up. Now add your first client.")):
        login_user(created[0])
        return redirect(url_for("desk.clients"))
    status = 400 if request.method == "POST" else 200
    return render_template("desk/setup.html", form=form), status


def _identity(form: SetupForm | IdentityForm) -> IdentityInput:
    return IdentityInput(
        desk_name=form.desk_name.data or "",
        legal_name=form.legal_name.data or "",
        siret=form.siret.data or "",
        address=form.address.data or "",
        vat_status=form.vat_status.data or "",
        vat_number=form.vat_number.data or "",
        timezone=form.timezone.data or "",
        legal_form=form.legal_form.data or "",
        rcs_city=form.rcs_city.data or "",
        rcs_number=form.rcs_number.data or "",
        share_capital=form.share_capital.data or "",
        iban=form.iban.data or "",
        bic=form.bic.data or "",
        payment_days=form.payment_days.data or "",
    )


@bp.route("/settings/identity", methods=["GET", "POST"])
@admin_required
def identity() -> ResponseReturnValue:
    """The desk's name and legal identity (quotes and invoices carry it)."""
    current = DeskIdentity.get(db_session())
    form = IdentityForm(obj=current)
    if current is not None:
        # As typed: the columns hold cents, a day count and a compact IBAN.
        if request.method == "GET":
            capital = current.share_capital_cents
            form.share_capital.data = euros_text(capital) if capital is not None else ""
            form.iban.data = stdnum_iban.format(current.iban) if current.iban else ""
        if not isinstance(form.payment_days.data, str):
            form.payment_days.data = str(current.payment_days)
    if apply_form(form, lambda: save_identity(db_session(), _identity(form)), _("Saved.")):
        return redirect(url_for("desk.identity"))
    status = 400 if request.method == "POST" else 200
    return render_template("desk/identity.html", form=form), status


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    """The one-time link of an invitation or a reset."""
    try:
        user = accounts.invitation_user(db_session(), token, now())
    except DomainError:
        return render_template("desk/password.html", form=None), 404
    form = PasswordForm()

    def apply() -> object:
        set_actor(db_session(), f"user:{user.id}", user.id)
        return accounts.redeem(
            db_session(), token, form.password.data or "", form.confirm.data or "", now()
        )

    if apply_form(form, apply, _("Your password is set. Welcome!")):
        login_user(user)
        return redirect(url_for("desk.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("desk/password.html", form=form, user=user), status
