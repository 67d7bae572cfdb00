"""The desk's pages. Each view reads its input, calls one domain function, renders."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from desk.base.errors import DomainError
from desk.base.words import say
from desk.calls import callbacks
from desk.clients.access import visible_clients
from desk.models.states import NoticeChannel
from desk.request_context import db_session, now
from desk.rota.notices import set_notify_by
from desk.today.board import today
from desk.web import bp


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Aujourd'hui for the desk's staff; the practice's portal for a client's login."""
    if current_user.role == "client":
        return redirect(url_for("desk.portal_home"))  # the practice's own home
    if current_user.role in ("admin", "secretary"):
        secretary = current_user.secretary
        notices = NoticeForm(data={"notify_by": secretary.notify_by}) if secretary else None
        day = today(db_session(), current_user, now())
        calls_back = callbacks.for_user(db_session(), current_user, now())
        return render_template(
            "desk/today.html", day=day, notice_form=notices, callback_rows=calls_back
        )
    clients = visible_clients(db_session(), current_user)
    return render_template("desk/index.html", clients=clients)


class NoticeForm(FlaskForm):
    notify_by = SelectField(
        _l("Tell me when my duty starts or when I replace someone"),
        choices=[
            SelectChoice(NoticeChannel.SMS, _l("By SMS")),
            SelectChoice(NoticeChannel.EMAIL, _l("By e-mail")),
            SelectChoice(NoticeChannel.NONE, _l("Do not tell me")),
        ],
    )


@bp.post("/me/notices")
@login_required
def my_notices() -> ResponseReturnValue:
    """A secretary's choice of channel for duty notices."""
    if current_user.secretary_id is None:
        abort(403)
    form = NoticeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_notify_by(db_session(), current_user.secretary_id, form.notify_by.data or "")
    except DomainError as exc:
        db_session().rollback()
        flash(say(exc, gettext))
    else:
        db_session().commit()
        flash(gettext("Saved."))
    return redirect(url_for("desk.index"))
