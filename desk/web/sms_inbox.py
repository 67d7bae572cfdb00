"""The desk's SMS inbox: SMS no client can be said to own, for a secretary to assign."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from desk.base.errors import DomainError
from desk.base.words import say
from desk.clients.listing import client_menu
from desk.messages.sms_inbox import assign, waiting
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import staff_required, visible_client
from desk.web.message_forms import AssignSmsForm


def _form() -> AssignSmsForm:
    form = AssignSmsForm()
    menu = client_menu(db_session(), current_user)
    form.client.choices = [SelectChoice(c.id, c.name) for c in menu]
    return form


@bp.get("/sms/inbox")
@staff_required
def sms_inbox() -> ResponseReturnValue:
    return render_template("desk/sms_inbox.html", rows=waiting(db_session()), form=_form())


@bp.post("/sms/inbox/<int:sms_id>/assign")
@staff_required
def sms_assign(sms_id: int) -> ResponseReturnValue:
    form = _form()
    if not form.validate_on_submit():
        flash(_("Choose the client this SMS is for."))
        return redirect(url_for("desk.sms_inbox"))
    client = visible_client(form.client.data)  # another tenant's client: 404
    try:
        assign(db_session(), sms_id, client.id, now())
    except DomainError as exc:
        db_session().rollback()
        flash(say(exc, _))
        return redirect(url_for("desk.sms_inbox"))
    db_session().commit()
    flash(_("The SMS is in %(client)s's messages.", client=client.name))
    return redirect(url_for("desk.sms_inbox"))
