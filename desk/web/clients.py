"""Clients (admin): the list and each client's fiche, numbers, contacts and coverage.

Secretaries and client users who may see a client read its fiche; only admins edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from desk.base.errors import NotFound
from desk.clients import edits as domain
from desk.clients.listing import client_page
from desk.models import Client
from desk.request_context import db_session
from desk.web import bp
from desk.web.client_forms import RemoveForm
from desk.web.client_page import client_forms, render_client_page
from desk.web.common import admin_required, apply_form, visible_client


@bp.get("/clients/")
@admin_required
def clients() -> ResponseReturnValue:
    listing = client_page(
        db_session(),
        current_user,
        request.args.get("q", ""),
        request.args.get("page", 1, type=int) or 1,
    )
    return render_template("desk/clients.html", clients=listing.clients, listing=listing)


@bp.get("/clients/<int:client_id>")
@login_required
def client(client_id: int) -> ResponseReturnValue:
    if current_user.role == "client":
        abort(404)  # the practice has its portal; the secretaries' script is not for it
    found = visible_client(client_id)
    return render_client_page(found, client_forms(found) if current_user.role == "admin" else {})


@bp.get("/clients/<int:client_id>/fiche")
@login_required
def client_fiche(client_id: int) -> ResponseReturnValue:
    """The fiche alone, as the Now page pops it during a call."""
    if current_user.role == "client":
        abort(404)
    return render_template(
        "desk/_fiche.html", client=visible_client(client_id), call_id=request.args.get("call")
    )


def edit_client(
    client_id: int,
    form_key: str,
    apply: Callable[[Client, Any], object],
    done: str,
    anchor: str = "",
) -> ResponseReturnValue:
    """Validate one of the page's forms and apply it; a DomainError goes next to the field
    it names, else next to the form's first field (as on the rota page)."""
    found = visible_client(client_id)
    forms = client_forms(found)
    form = forms[form_key]
    if apply_form(form, lambda: apply(found, form), done):
        return redirect(url_for("desk.client", client_id=found.id) + anchor)
    return render_client_page(found, forms, 400)


@bp.post("/clients/<int:client_id>")
@admin_required
def client_update(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return domain.update_fiche(client, {name: form[name].data for name in domain.FICHE_FIELDS})

    return edit_client(client_id, "fiche_form", apply, _("The fiche is saved."))


@bp.post("/clients/<int:client_id>/numbers")
@admin_required
def client_add_number(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return domain.add_desk_number(db_session(), client, form.number.data, form.label.data or "")

    return edit_client(client_id, "number_form", apply, _("Desk number added."), "#numbers")


@bp.post("/clients/<int:client_id>/contacts")
@admin_required
def client_add_contact(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        data = domain.ContactInput(
            name=form.name.data,
            phone=form.phone.data,
            email=form.email.data,
            receives_sms=form.receives_sms.data,
            receives_email=form.receives_email.data,
            urgent_only=form.urgent_only.data,
        )
        return domain.add_contact(db_session(), client, data)

    return edit_client(client_id, "contact_form", apply, _("Contact added."), "#contacts")


@bp.post("/clients/<int:client_id>/coverage")
@admin_required
def client_add_coverage(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return domain.add_coverage(
            db_session(),
            client,
            [int(d) for d in form.weekdays.data or []],
            form.start.data,
            form.end.data,
            form.valid_from.data,
            form.valid_until.data,
            overnight=bool(form.overnight.data),
        )

    return edit_client(client_id, "coverage_form", apply, _("Coverage window added."), "#coverage")


@bp.post("/clients/<int:client_id>/<any(number, contact, coverage):kind>/<int:part_id>/delete")
@admin_required
def client_remove_part(client_id: int, kind: str, part_id: int) -> ResponseReturnValue:
    found = visible_client(client_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        domain.remove_part(db_session(), found, kind, part_id)
    except NotFound:
        abort(404)
    db_session().commit()
    flash(_("Removed."))
    return redirect(url_for("desk.client", client_id=found.id))
