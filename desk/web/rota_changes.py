"""The rota page's list of replacements and absences, and their edit forms (admin)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from desk.base.wall_time import local_to_utc
from desk.models import Client
from desk.request_context import db_session
from desk.rota import changes
from desk.web.rota_forms import EditAbsenceForm, EditOverrideForm

EditForms = dict[tuple[str, int], FlaskForm]


def _local(at: datetime, tz: ZoneInfo) -> datetime:
    return at.astimezone(tz).replace(tzinfo=None)


def utc(at: datetime, tz: ZoneInfo) -> datetime:
    """A datetime-local field's value (client's wall time) as UTC."""
    return local_to_utc(at.date(), at.time(), tz)


def _override_form(
    item: changes.Replacement, tz: ZoneInfo, people: list[SelectChoice]
) -> EditOverrideForm:
    form = EditOverrideForm(
        prefix=f"override{item.id}",
        data={
            "replacement": item.replacement_id,
            "starts_at": _local(item.starts_at, tz),
            "ends_at": _local(item.ends_at, tz),
            "note": item.note,
        },
    )
    form.replacement.choices = people
    return form


def _absence_form(item: changes.AbsenceRow) -> EditAbsenceForm:
    return EditAbsenceForm(
        prefix=f"absence{item.id}",
        data={
            "first_day": item.first_day,
            "last_day": item.last_day,
            "kind": item.kind,
            "note": item.note,
        },
    )


def edit_form(kind: str, item_id: int, people: list[SelectChoice]) -> FlaskForm:
    """The posted edit form of one replacement or absence."""
    if kind == "override":
        form = EditOverrideForm(prefix=f"override{item_id}")
        form.replacement.choices = people
        return form
    return EditAbsenceForm(prefix=f"absence{item_id}")


def changes_context(
    client: Client, monday: date, people: list[SelectChoice], failed: EditForms | None = None
) -> dict[str, Any]:
    """The week's replacements and absences, and (admins) a filled edit form for each."""
    tz = ZoneInfo(client.timezone)
    start = local_to_utc(monday, time(0), tz)
    end = local_to_utc(monday + timedelta(days=7), time(0), tz)
    session = db_session()
    replacements = changes.replacements(session, client, start, end)
    absences = changes.absences(session, client, start, end)
    forms: EditForms = {}
    if current_user.role == "admin":
        forms.update({("override", r.id): _override_form(r, tz, people) for r in replacements})
        forms.update({("absence", a.id): _absence_form(a) for a in absences})
        forms.update(failed or {})
    return {"replacements": replacements, "absences": absences, "edit_forms": forms}
