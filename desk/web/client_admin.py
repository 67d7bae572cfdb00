"""Clients (admin), beyond the fiche: create (or copy), archive, the practice (practitioners,
their hours, appointment types, closures) and the practice's own logins."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from desk.base.errors import NotFound
from desk.clients import lifecycle, practice
from desk.clients.listing import client_menu
from desk.models import Client
from desk.people.accounts import create_user, invite
from desk.request_context import db_session, now, settings
from desk.web import bp
from desk.web.client_forms import NewClientForm, RemoveForm
from desk.web.clients import edit_client
from desk.web.common import admin_required, apply_form, int_or_none, visible_client


@bp.route("/clients/new", methods=["GET", "POST"])
@admin_required
def client_new() -> ResponseReturnValue:
    form = NewClientForm()
    # The menu searches (`client_q`) rather than listing every client; the one posted
    # is kept in it.
    posted = int_or_none(request.form.get("copy_from")) if request.method == "POST" else None
    menu = client_menu(db_session(), current_user, request.args.get("client_q", ""), posted)
    form.copy_from.choices = [SelectChoice("", _l("Nobody: start blank"))] + [
        SelectChoice(str(c.id), c.name) for c in menu
    ]
    made: list[Client] = []

    def apply() -> object:
        data = lifecycle.NewClient(
            name=form.name.data or "",
            slug=form.slug.data or "",
            timezone=form.timezone.data or "",
            holiday_policy=form.holiday_policy.data or "closed",
            copy_from=int_or_none(form.copy_from.data),
            start_without_quote=bool(form.start_without_quote.data),
            start_reason=form.start_reason.data or "",
            by_user_id=current_user.id,
        )
        made.append(lifecycle.create_client(db_session(), data))
        return made[0]

    if apply_form(form, apply, _("Client created. Now its numbers, coverage and practice.")):
        return redirect(url_for("desk.client", client_id=made[0].id))
    status = 400 if request.method == "POST" else 200
    return render_template("desk/client_new.html", form=form), status


@bp.post("/clients/<int:client_id>/<any(archive, restore):change>")
@admin_required
def client_archive(client_id: int, change: str) -> ResponseReturnValue:
    found = visible_client(client_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    if change == "archive":
        lifecycle.archive_client(db_session(), found, now())
        flash(_("Archived: no call is routed to it any more; its history stays."))
    else:
        lifecycle.restore_client(db_session(), found)
        flash(_("Restored."))
    db_session().commit()
    return redirect(url_for("desk.client", client_id=found.id))


@bp.post("/clients/<int:client_id>/practitioners")
@admin_required
def client_add_practitioner(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return practice.add_practitioner(
            db_session(), client, form.name.data or "", form.specialty.data or ""
        )

    return edit_client(client_id, "practitioner_form", apply, _("Practitioner added."), "#practice")


@bp.post("/clients/<int:client_id>/hours")
@admin_required
def client_add_hours(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        who = practice.practitioner_of(
            db_session(), client, int_or_none(form.practitioner.data) or 0
        )
        days = [int(d) for d in form.weekdays.data or []]
        return practice.add_opening_hours(db_session(), who, days, form.start.data, form.end.data)

    return edit_client(client_id, "hours_form", apply, _("Opening hours added."), "#practice")


@bp.post("/clients/<int:client_id>/types")
@admin_required
def client_add_type(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return practice.add_appointment_type(
            db_session(),
            client,
            form.name.data or "",
            form.duration_minutes.data,
            form.buffer_minutes.data or 0,
            [int(p) for p in form.practitioners.data or []],
        )

    return edit_client(client_id, "type_form", apply, _("Appointment type added."), "#types")


@bp.post("/clients/<int:client_id>/closures")
@admin_required
def client_add_closure(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return practice.add_closure(
            db_session(),
            client,
            form.starts_on.data,
            form.ends_on.data,
            form.reason.data or "",
            int_or_none(form.practitioner.data),
        )

    return edit_client(client_id, "closure_form", apply, _("Closure added."), "#closures")


@bp.post("/clients/<int:client_id>/users")
@admin_required
def client_invite_user(client_id: int) -> ResponseReturnValue:
    """A login for the practice (its portal), invited by e-mail."""

    def apply(client: Client, form: Any) -> object:
        user = create_user(
            db_session(),
            email=form.email.data or "",
            name=form.name.data or "",
            role="client",
            client_id=client.id,
        )
        return invite(db_session(), user, base_url=settings()["server.public_base_url"], now=now())

    return edit_client(client_id, "user_form", apply, _("Invitation sent."), "#users")


@bp.post("/clients/<int:client_id>/<any(hours, type, closure):kind>/<int:part_id>/delete")
@admin_required
def client_remove_practice_part(client_id: int, kind: str, part_id: int) -> ResponseReturnValue:
    found = visible_client(client_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        practice.remove_practice_part(db_session(), found, kind, part_id)
    except NotFound:
        abort(404)
    db_session().commit()
    flash(_("Removed."))
    return redirect(url_for("desk.client", client_id=found.id))
