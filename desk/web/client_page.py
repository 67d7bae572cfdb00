"""The admin's page of one client: its forms, its feeds and API keys section.

Both `clients.py` (fiche, numbers, coverage) and `feeds.py` (feeds, API keys) answer
with this page, so it lives apart from both.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from desk.calls import callbacks
from desk.clients import practice
from desk.models import Client
from desk.request_context import db_session, now, settings
from desk.web.client_forms import (
    AppointmentTypeForm,
    ClientUserForm,
    ClosureForm,
    ContactForm,
    CoverageForm,
    DeskNumberForm,
    FicheForm,
    HoursForm,
    PractitionerForm,
    RemoveForm,
)
from scheduling import credentials


class FeedForm(FlaskForm):
    practitioner = SelectField(_l("Feed of"), validators=[Optional()])


class ApiKeyForm(FlaskForm):
    label = StringField(_l("Label"), validators=[Length(max=200)])


def feeds_context(client: Client) -> dict[str, Any]:
    """What the fiche's "Calendar feeds and API keys" section shows."""
    form = FeedForm(prefix="feed")
    form.practitioner.choices = [SelectChoice("", _l("The whole practice"))] + [
        SelectChoice(str(p.id), p.name) for p in client.practitioners if p.active
    ]
    base = settings()["server.public_base_url"].rstrip("/")
    names = {p.id: p.name for p in client.practitioners}
    feeds = [
        {
            "row": row,
            "url": f"{base}/feeds/{row.token}.ics",
            "of": names.get(row.practitioner_id, "") if row.practitioner_id else None,
        }
        for row in credentials.live_feed_tokens(db_session(), client.id)
    ]
    return {
        "feeds": feeds,
        "feed_form": form,
        "api_keys": credentials.live_api_keys(db_session(), client.id),
        "api_key_form": ApiKeyForm(prefix="apikey"),
    }


def client_forms(client: Client) -> dict[str, FlaskForm]:
    active = [SelectChoice(str(p.id), p.name) for p in client.practitioners if p.active]
    hours = HoursForm(prefix="hours")
    hours.practitioner.choices = active
    kind = AppointmentTypeForm(prefix="type")
    kind.practitioners.choices = active
    closure = ClosureForm(prefix="closure")
    closure.practitioner.choices = [SelectChoice("", _l("The whole practice")), *active]
    return {
        "fiche_form": FicheForm(obj=client, prefix="fiche"),
        "number_form": DeskNumberForm(prefix="number"),
        "contact_form": ContactForm(prefix="contact"),
        "coverage_form": CoverageForm(prefix="coverage"),
        "practitioner_form": PractitionerForm(prefix="practitioner"),
        "hours_form": hours,
        "type_form": kind,
        "closure_form": closure,
        "user_form": ClientUserForm(prefix="user"),
        "remove_form": RemoveForm(),
    }


def practice_context(client: Client) -> dict[str, Any]:
    """The practice sections: types, closures and the client's logins."""
    types, closures, users = practice.practice_rows(db_session(), client)
    return {"appointment_types": types, "closures": closures, "client_users": users}


def render_client_page(
    client: Client, forms: dict[str, FlaskForm], status: int = 200, **extra: object
) -> ResponseReturnValue:
    if current_user.role == "admin":
        from desk.web.calendars import calendars_context  # it answers with this page

        extra = {
            **feeds_context(client),
            **practice_context(client),
            **calendars_context(client),
            **extra,
        }
    rows = callbacks.for_client(db_session(), client.id, now())
    return (
        render_template("desk/client.html", client=client, callback_rows=rows, **forms, **extra),
        status,
    )


def render_client(client: Client, status: int = 200, **extra: object) -> ResponseReturnValue:
    """The admin's page of a client (the feeds section answers with it too)."""
    return render_client_page(client, client_forms(client), status, **extra)
