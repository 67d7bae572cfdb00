"""Messages: take one (prefilled from the live call), the list with filters, acknowledge."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from desk.base.errors import NotFound
from desk.base.words import say
from desk.clients.access import call_for
from desk.clients.listing import client_menu, clients_by_id
from desk.messages.intake import InvalidMessage, take_message
from desk.messages.log import MessageFilters, acknowledge, search_messages
from desk.models import Client
from desk.models.states import Urgency
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import (
    choices_with_all,
    int_or_none,
    log_cursor,
    log_links,
    staff_required,
    visible_client,
)
from desk.web.message_forms import URGENCY_LABELS, AcknowledgeForm, MessageFilterForm, MessageForm
from desk.web.outbox import STATE_LABELS

# take_message's field names, as the form names them.
FORM_FIELDS = {"client_id": "client", "call_id": "caller_number"}


def _message_form() -> tuple[MessageForm, list[Client]]:
    """The form, and its client menu: searched (`client_q`) rather than listing every
    client, the chosen client (from the call, the link or the form posted) kept in it."""
    form = MessageForm()
    if request.method == "GET":
        client_id = int_or_none(request.args.get("client_id"))
        call_id = int_or_none(request.args.get("call"))
        if call_id is not None:
            try:
                call = call_for(db_session(), current_user, call_id)
            except NotFound:
                abort(404)
            form.call.data = str(call.id)
            form.caller_number.data = call.caller if call.caller != "anonymous" else ""
            client_id = call.client_id
        if client_id is not None:
            form.client.data = visible_client(client_id).id
    selected = form.client.data if isinstance(form.client.data, int) else None
    menu = client_menu(db_session(), current_user, request.args.get("client_q", ""), selected)
    form.client.choices = [SelectChoice(c.id, c.name) for c in menu]
    return form, menu


@bp.route("/messages/new", methods=["GET", "POST"])
@staff_required
def message_new() -> ResponseReturnValue:
    form, menu = _message_form()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("desk/message_new.html", form=form), status
    if form.client.data not in {c.id for c in menu}:
        abort(404)
    try:
        take_message(
            db_session(),
            client_id=form.client.data,
            body=form.body.data or "",
            caller_name=form.caller_name.data or "",
            caller_number=form.caller_number.data or None,
            reason=form.reason.data or "",
            urgency=form.urgency.data or Urgency.NORMAL,
            call_id=int_or_none(form.call.data),
            taken_by_id=current_user.secretary_id,
            now=now(),
        )
    except InvalidMessage as exc:
        db_session().rollback()
        for name, error in exc.errors.items():
            form[FORM_FIELDS.get(name, name)].errors.append(say(error, _))
        return render_template("desk/message_new.html", form=form), 400
    db_session().commit()
    flash(_("Message recorded; the client's contacts are notified."))
    return redirect(url_for("desk.messages", client=form.client.data))


@bp.get("/messages/")
@login_required
def messages() -> ResponseReturnValue:
    form = MessageFilterForm(request.args)
    menu = client_menu(
        db_session(),
        current_user,
        request.args.get("client_q", ""),
        int_or_none(request.args.get("client")),
    )
    form.client.choices = choices_with_all((str(c.id), c.name) for c in menu)
    form.urgency.choices = choices_with_all(URGENCY_LABELS.items())
    valid = form.validate()
    filters = MessageFilters(
        client_id=int_or_none(form.client.data),
        urgency=form.urgency.data or None,
        acknowledged={"yes": True, "no": False}.get(form.seen.data or ""),
        day=form.day.data if valid else None,
        text=(form.q.data or "")[:100],
    )
    page = search_messages(db_session(), current_user, filters, log_cursor())
    return render_template(
        "desk/messages.html",
        form=form,
        rows=page.rows,
        links=log_links(page),
        clients=clients_by_id(db_session(), current_user, (m.client_id for m in page.rows)),
        urgencies=URGENCY_LABELS,
        ack_form=AcknowledgeForm(),
        states=STATE_LABELS,
    )


@bp.post("/messages/<int:message_id>/acknowledge")
@login_required
def message_acknowledge(message_id: int) -> ResponseReturnValue:
    if not AcknowledgeForm().validate_on_submit():
        abort(400)
    try:
        acknowledge(db_session(), current_user, message_id, now())
    except NotFound:
        abort(404)
    db_session().commit()
    flash(_("Message acknowledged."))
    return redirect(url_for("desk.messages"))
