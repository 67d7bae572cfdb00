"""Outbox: every SMS and e-mail sent or waiting, per channel, with its state and errors."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from desk.clients.listing import client_menu, clients_by_id
from desk.models.states import Channel, OutboxState
from desk.outbox.log import OutboxFilters, is_private, search_outbox
from desk.request_context import db_session
from desk.web import bp
from desk.web.common import choices_with_all, int_or_none, log_cursor, log_links, staff_required

STATE_LABELS = {
    OutboxState.PENDING: _l("Waiting"),
    OutboxState.SENDING: _l("Sending"),
    OutboxState.SENT: _l("Sent"),
    OutboxState.DELIVERED: _l("Delivered"),
    OutboxState.UNDELIVERED: _l("Not delivered"),
    OutboxState.FAILED: _l("Failed"),
    OutboxState.SKIPPED: _l("Skipped (opted out)"),
}
CHANNEL_LABELS = {Channel.SMS: _l("SMS"), Channel.EMAIL: _l("E-mail")}


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    client = SelectField(_l("Client"), validators=[Optional()])
    channel = SelectField(_l("Channel"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])


@bp.get("/outbox/")
@staff_required
def outbox() -> ResponseReturnValue:
    form = OutboxFilterForm(request.args)
    menu = client_menu(
        db_session(),
        current_user,
        request.args.get("client_q", ""),
        int_or_none(request.args.get("client")),
    )
    form.client.choices = choices_with_all((str(c.id), c.name) for c in menu)
    form.channel.choices = choices_with_all(CHANNEL_LABELS.items())
    form.state.choices = choices_with_all(STATE_LABELS.items())
    form.validate()
    filters = OutboxFilters(
        client_id=int_or_none(form.client.data),
        channel=form.channel.data or None,
        state=form.state.data or None,
    )
    page = search_outbox(db_session(), current_user, filters, log_cursor())
    return render_template(
        "desk/outbox.html",
        form=form,
        rows=page.rows,
        links=log_links(page),
        clients=clients_by_id(db_session(), current_user, (o.client_id for o in page.rows)),
        states=STATE_LABELS,
        channels=CHANNEL_LABELS,
        private={o.id for o in page.rows if is_private(o)},
    )
