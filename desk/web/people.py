"""People (admin): secretaries and partners, their logins, trainings and overflow ranks."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from desk.base.errors import DomainError
from desk.base.words import say
from desk.calls.presence import effective_state
from desk.clients.lifecycle import all_clients
from desk.models import InvitationPurpose, Presence, Secretary
from desk.offers.activity import activity
from desk.people import accounts, listing, secretaries
from desk.request_context import db_session, now, settings
from desk.web import bp
from desk.web.common import admin_required, apply_form
from desk.web.people_forms import ActionForm, SecretaryEditForm, SecretaryForm

DEACTIVATED = "Deactivated: she is not rung any more and cannot log in; her rota and history stay."


def _base_url() -> str:
    return str(settings()["server.public_base_url"])


def _render_list(form: SecretaryForm, status: int = 200) -> ResponseReturnValue:
    session = db_session()
    found = listing.people(session)
    return (
        render_template(
            "desk/people.html",
            secretaries=found.secretaries,
            logins=found.logins,
            admins=found.admins,
            form=form,
            network=activity(session, now()),
        ),
        status,
    )


@bp.route("/people/", methods=["GET", "POST"])
@admin_required
def people() -> ResponseReturnValue:
    form = SecretaryForm()
    made: list[Secretary] = []

    def apply() -> object:
        data = secretaries.SecretaryInput(
            name=form.name.data or "",
            phone=form.phone.data or "",
            email=form.email.data or "",
            is_partner=bool(form.is_partner.data),
        )
        row = secretaries.add_secretary(db_session(), data)
        if form.invite.data and row.email:
            secretaries.invite_secretary(db_session(), row, base_url=_base_url(), now=now())
        made.append(row)
        return row

    if apply_form(form, apply, _("Secretary added.")):
        return redirect(url_for("desk.person", secretary_id=made[0].id))
    return _render_list(form, 400 if request.method == "POST" else 200)


def _secretary(secretary_id: int) -> Secretary:
    row = db_session().get(Secretary, secretary_id)
    if row is None:
        abort(404)
    return row


def _render_person(
    row: Secretary, form: SecretaryEditForm, status: int = 200, **extra: Any
) -> ResponseReturnValue:
    ranks = {t.client_id: t.overflow_rank for t in row.trainings}
    return (
        render_template(
            "desk/person.html",
            secretary=row,
            form=form,
            login=secretaries.login_of(db_session(), row),
            clients=all_clients(db_session()),
            ranks=ranks,
            action_form=ActionForm(),
            presence_state=effective_state(db_session().get(Presence, row.id), now()),
            **extra,
        ),
        status,
    )


@bp.route("/people/<int:secretary_id>", methods=["GET", "POST"])
@admin_required
def person(secretary_id: int) -> ResponseReturnValue:
    row = _secretary(secretary_id)
    form = SecretaryEditForm(obj=row)

    def apply() -> object:
        data = secretaries.SecretaryInput(
            name=form.name.data or "",
            phone=form.phone.data or "",
            email=form.email.data or "",
            is_partner=bool(form.is_partner.data),
            languages=row.languages,
        )
        return secretaries.update_secretary(db_session(), row, data)

    if apply_form(form, apply, _("Saved.")):
        return redirect(url_for("desk.person", secretary_id=row.id))
    return _render_person(row, form, 400 if request.method == "POST" else 200)


@bp.post("/people/<int:secretary_id>/trainings")
@admin_required
def person_trainings(secretary_id: int) -> ResponseReturnValue:
    row = _secretary(secretary_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    ranks: dict[int, int | None] = {}
    error = None
    for client in all_clients(db_session()):
        if request.form.get(f"train-{client.id}"):
            raw = request.form.get(f"rank-{client.id}", "").strip()
            if raw and not raw.isdigit():
                error = DomainError("rank_invalid", field="trainings")
            ranks[client.id] = int(raw) if raw.isdigit() else None
    try:
        if error is not None:
            raise error
        secretaries.set_trainings(db_session(), row, ranks)
    except DomainError as exc:
        db_session().rollback()
        return _render_person(row, SecretaryEditForm(obj=row), 400, trainings_error=say(exc, _))
    db_session().commit()
    flash(_("Trainings saved."))
    return redirect(url_for("desk.person", secretary_id=row.id) + "#trainings")


@bp.post("/people/<int:secretary_id>/<any(invite, reset, deactivate, reactivate):action>")
@admin_required
def person_action(secretary_id: int, action: str) -> ResponseReturnValue:
    row = _secretary(secretary_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db_session()
    try:
        if action == "invite":
            secretaries.invite_secretary(session, row, base_url=_base_url(), now=now())
            done = _("Invitation sent.")
        elif action == "reset":
            login = secretaries.login_of(session, row)
            if login is None:
                raise DomainError("invitation_invalid")
            accounts.invite(
                session, login, base_url=_base_url(), now=now(), purpose=InvitationPurpose.RESET
            )
            done = _("A link to choose a new password was e-mailed.")
        else:
            secretaries.set_secretary_active(session, row, action == "reactivate", now())
            done = _(DEACTIVATED) if action == "deactivate" else _("Reactivated.")
    except DomainError as exc:
        session.rollback()
        flash(say(exc, _))
        return redirect(url_for("desk.person", secretary_id=row.id))
    session.commit()
    flash(done)
    return redirect(url_for("desk.person", secretary_id=row.id))
