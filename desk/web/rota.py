"""The rota: a week grid per client (coverage, who is on duty, gaps in red).

Secretaries read it; admins add and remove shifts, let someone take a shift, record absences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from desk.base.errors import NotFound
from desk.base.wall_time import week_to_open
from desk.clients.listing import client_menu
from desk.models import Client, Shift
from desk.offers.board import board
from desk.request_context import db_session, now
from desk.rota import changes
from desk.rota import edits as rota_edits
from desk.rota.week import week
from desk.web import bp
from desk.web.client_forms import RemoveForm
from desk.web.common import (
    admin_required,
    apply_form,
    staff_required,
    visible_client,
)
from desk.web.rota_changes import EditForms, changes_context, edit_form, utc
from desk.web.rota_forms import AbsenceForm, ShiftForm, TakeShiftForm


def _monday(raw: str | None) -> date:
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    if day is None:
        return week_to_open(now().astimezone(ZoneInfo("Europe/Paris")).date())
    return day - timedelta(days=day.weekday())


def _people(client: Client) -> list[SelectChoice]:
    return [
        SelectChoice(s.id, s.name) for s in rota_edits.trained_secretaries(db_session(), client)
    ]


def _forms(client: Client) -> dict[str, FlaskForm]:
    people = _people(client)
    shifts = _shifts(client)
    forms: dict[str, FlaskForm] = {
        "shift_form": ShiftForm(prefix="shift"),
        "take_form": TakeShiftForm(prefix="take"),
        "absence_form": AbsenceForm(prefix="absence"),
    }
    forms["shift_form"].secretary.choices = people
    forms["absence_form"].secretary.choices = people
    forms["take_form"].replacement.choices = people
    forms["take_form"].shift.choices = [SelectChoice(s.id, _shift_label(s)) for s in shifts]
    return forms


def _shifts(client: Client) -> list[Shift]:
    return rota_edits.shifts_of(db_session(), client)


def _shift_label(shift: Shift) -> str:
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    days = ", ".join(names[int(d)] for d in shift.weekdays or "")
    return (
        f"{shift.secretary.name} · {days} {shift.start_local:%H:%M}–{shift.end_local:%H:%M}"
        f" · {_('rank')} {shift.rank}"
    )


def _menu(selected: int | None) -> list[Client]:
    """The client menu: searched (`client_q`) rather than listing every client."""
    return client_menu(db_session(), current_user, request.args.get("client_q", ""), selected)


def _page(
    client: Client | None,
    monday: date,
    forms: dict[str, Any],
    status: int = 200,
    failed: EditForms | None = None,
) -> Any:
    clients = _menu(client.id if client else None)
    if client is not None:
        forms = {**forms, **changes_context(client, monday, _people(client), failed)}
    return (
        render_template(
            "desk/rota.html",
            clients=clients,
            client=client,
            monday=monday,
            days=week(db_session(), client, monday) if client else [],
            shifts=_shifts(client) if client else [],
            shift_label=_shift_label,
            prev_week=monday - timedelta(days=7),
            next_week=monday + timedelta(days=7),
            today=now().date(),
            remove_form=RemoveForm(),
            network=board(db_session(), client, monday) if client else None,
            **forms,
        ),
        status,
    )


@bp.get("/rota/")
@staff_required
def rota() -> ResponseReturnValue:
    client_id = request.args.get("client", type=int)
    clients = _menu(client_id)
    client = visible_client(client_id) if client_id else (clients[0] if clients else None)
    forms = _forms(client) if client and current_user.role == "admin" else {}
    return _page(client, _monday(request.args.get("week")), forms)


def _edit(
    client_id: int, form_key: str, apply: Callable[[Client, Any], object], done: str
) -> ResponseReturnValue:
    client = visible_client(client_id)
    monday = _monday(request.args.get("week"))
    forms = _forms(client)
    form = forms[form_key]
    if apply_form(form, lambda: apply(client, form), done):
        return redirect(url_for("desk.rota", client=client.id, week=monday.isoformat()))
    return _page(client, monday, forms, 400)


@bp.post("/rota/<int:client_id>/shifts")
@admin_required
def rota_add_shift(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return rota_edits.add_shift(
            db_session(),
            client,
            secretary_id=form.secretary.data,
            weekdays=[int(d) for d in form.weekdays.data or []],
            start=form.start.data,
            end=form.end.data,
            rank=form.rank.data,
            valid_from=form.valid_from.data,
            valid_until=form.valid_until.data,
        )

    return _edit(client_id, "shift_form", apply, _("Shift added."))


@bp.post("/rota/<int:client_id>/overrides")
@admin_required
def rota_take_shift(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return rota_edits.take_shift(
            db_session(),
            client,
            shift_id=form.shift.data,
            replacement_id=form.replacement.data,
            day=form.day.data,
            note=form.note.data or "",
        )

    return _edit(client_id, "take_form", apply, _("The shift is taken."))


@bp.post("/rota/<int:client_id>/absences")
@admin_required
def rota_add_absence(client_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return rota_edits.add_absence(
            db_session(),
            client,
            secretary_id=form.secretary.data,
            first_day=form.first_day.data,
            last_day=form.last_day.data,
            kind=form.kind.data,
            note=form.note.data or "",
        )

    return _edit(client_id, "absence_form", apply, _("Absence recorded."))


def _edit_change(
    client_id: int, kind: str, item_id: int, apply: Callable[[Client, Any], object]
) -> ResponseReturnValue:
    client = visible_client(client_id)
    finder = changes.client_override if kind == "override" else changes.client_absence
    try:
        finder(db_session(), client, item_id)
    except NotFound:
        abort(404)
    monday = _monday(request.args.get("week"))
    form = edit_form(kind, item_id, _people(client))
    if apply_form(form, lambda: apply(client, form), _("Saved.")):
        return redirect(url_for("desk.rota", client=client.id, week=monday.isoformat()))
    return _page(client, monday, _forms(client), 400, {(kind, item_id): form})


@bp.post("/rota/<int:client_id>/overrides/<int:item_id>")
@admin_required
def rota_edit_override(client_id: int, item_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        tz = ZoneInfo(client.timezone)
        return changes.edit_override(
            db_session(),
            client,
            item_id,
            replacement_id=form.replacement.data,
            starts_at=utc(form.starts_at.data, tz),
            ends_at=utc(form.ends_at.data, tz),
            note=form.note.data or "",
        )

    return _edit_change(client_id, "override", item_id, apply)


@bp.post("/rota/<int:client_id>/absences/<int:item_id>")
@admin_required
def rota_edit_absence(client_id: int, item_id: int) -> ResponseReturnValue:
    def apply(client: Client, form: Any) -> object:
        return changes.edit_absence(
            db_session(),
            client,
            item_id,
            first_day=form.first_day.data,
            last_day=form.last_day.data,
            kind=form.kind.data,
            note=form.note.data or "",
        )

    return _edit_change(client_id, "absence", item_id, apply)


REMOVERS = {
    "shift": rota_edits.remove_shift,
    "override": rota_edits.remove_override,
    "absence": rota_edits.remove_absence,
}


@bp.post("/rota/<int:client_id>/<any(shift, override, absence):kind>/<int:item_id>/delete")
@admin_required
def rota_remove(client_id: int, kind: str, item_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    if not RemoveForm().validate_on_submit():
        abort(400)
    try:
        REMOVERS[kind](db_session(), client, item_id)
    except NotFound:
        abort(404)
    db_session().commit()
    flash(_("Removed."))
    week_arg = request.args.get("week") or _monday(None).isoformat()
    return redirect(url_for("desk.rota", client=client.id, week=week_arg))
