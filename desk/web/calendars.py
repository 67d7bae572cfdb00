"""A client's own calendars on its page (admin): connect one (checked when saved),
see each connection's state, disconnect. The password is never shown again."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from desk.base.errors import DomainError, NotFound
from desk.base.words import word
from desk.models import Appointment, Client
from desk.request_context import db_session, now, settings
from desk.web import bp
from desk.web.client_page import render_client
from desk.web.common import (
    admin_required,
    error_to_form,
    int_or_none,
    staff_required,
    visible_client,
)
from scheduling.calendars import conflicts, connections
from scheduling.calendars.dav import trusted_networks
from scheduling.calendars.sealing import seal


class CalendarForm(FlaskForm):
    practitioner = SelectField(_l("Calendar of"), validators=[Optional()])
    url = StringField(
        _l("CalDAV address, or mailto:address for invitations"),
        validators=[DataRequired(), Length(max=1000)],
    )
    username = StringField(_l("User name"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("App password"), validators=[Optional(), Length(max=500)])
    calendar = StringField(_l("Calendar (when several)"), validators=[Optional(), Length(max=1000)])


def calendar_form(client: Client) -> CalendarForm:
    form = CalendarForm(prefix="calendar")
    form.practitioner.choices = [SelectChoice("", _l("The whole practice"))] + [
        SelectChoice(str(p.id), p.name) for p in client.practitioners if p.active
    ]
    return form


def calendars_context(client: Client, form: CalendarForm | None = None) -> dict[str, Any]:
    """What the page's "Practice calendars" section shows."""
    views = connections.list_connections(db_session(), client.id)
    return {
        "calendar_connections": views,
        # Errors are kept as codes (or "HTTP 503"): worded in the reader's language.
        "calendar_errors": {v.id: word(v.last_error, gettext) for v in views if v.last_error},
        "calendar_form": form or calendar_form(client),
    }


def _back(client: Client) -> ResponseReturnValue:
    return redirect(url_for("desk.client", client_id=client.id) + "#calendars")


@bp.post("/clients/<int:client_id>/calendars")
@admin_required
def calendar_connect(client_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    form = calendar_form(client)
    if not form.validate_on_submit():
        return render_client(client, status=400, **calendars_context(client, form))
    practitioner_id = int_or_none(form.practitioner.data)
    if practitioner_id is not None and practitioner_id not in {p.id for p in client.practitioners}:
        abort(404)
    url = (form.url.data or "").strip()
    password = form.password.data or ""
    try:
        address = connections.invitation_address(url)
        found = None
        if address is None:
            # Talks to the server: the calendar is checked before anything is kept.
            found = connections.check(
                url,
                (form.username.data or "").strip(),
                password,
                calendar=(form.calendar.data or "").strip(),
                trusted=trusted_networks(settings()["calendars.trusted_networks"]),
            )
        connections.add_connection(
            db_session(),
            client_id=client.id,
            practitioner_id=practitioner_id,
            found=found,
            address=address,
            username=(form.username.data or "").strip()
            if address is None
            else settings()["email.from_address"],
            sealed_password=seal(settings(), password) if password and found else "",
            now=now(),
        )
    except DomainError as exc:
        db_session().rollback()
        error_to_form(form, exc, "url")
        return render_client(client, status=400, **calendars_context(client, form))
    db_session().commit()
    flash(_("Calendar connected: bookings will appear in it."))
    return _back(client)


@bp.post("/clients/<int:client_id>/calendars/<int:connection_id>/disconnect")
@admin_required
def calendar_disconnect(client_id: int, connection_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        connections.disconnect(db_session(), connection_id, now(), client_id=client.id)
    except NotFound:
        abort(404)
    db_session().commit()
    flash(_("Calendar disconnected."))
    return _back(client)


@bp.post("/book/<int:appointment_id>/calendar/<int:event_id>/<any(desk, calendar):keep>")
@staff_required
def calendar_conflict(appointment_id: int, event_id: int, keep: str) -> ResponseReturnValue:
    """A secretary settles an event the practice changed in its calendar."""
    appt = db_session().get(Appointment, appointment_id)
    if appt is None:
        abort(404)
    visible_client(appt.client_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        conflicts.resolve(db_session(), appt.id, event_id, keep_desk=keep == "desk", now=now())
    except NotFound:
        abort(404)
    db_session().commit()
    flash(
        _("The desk's version will be written into the practice's calendar.")
        if keep == "desk"
        else _("The practice's version stays in its calendar.")
    )
    return redirect(url_for("desk.appointment", appointment_id=appt.id))
