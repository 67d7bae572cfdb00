"""A client's calendar feeds and API keys, on its fiche (admin): create, rotate, revoke.

A new API key is shown once, on the page the POST answers (never in a redirect's
session cookie); only its hash is kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from desk.base.errors import DomainError, NotFound
from desk.models import Client
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.client_page import ApiKeyForm, render_client
from desk.web.common import admin_required, int_or_none, visible_client
from scheduling import credentials
from scheduling.tokens import create_api_key


def _back(client: Client) -> ResponseReturnValue:
    return redirect(url_for("desk.client", client_id=client.id) + "#feeds")


def _checked() -> None:
    # Every button here is a CSRF-checked POST; the form's fields are read below.
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.post("/clients/<int:client_id>/feeds")
@admin_required
def feed_create(client_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    _checked()
    raw = request.form.get("feed-practitioner", "")
    try:
        credentials.add_feed(db_session(), client.id, int_or_none(raw), now())
    except NotFound:
        abort(404)
    db_session().commit()
    flash(_("Feed created."))
    return _back(client)


@bp.post("/clients/<int:client_id>/feeds/<int:token_id>/<any(rotate, revoke):action>")
@admin_required
def feed_change(client_id: int, token_id: int, action: str) -> ResponseReturnValue:
    client = visible_client(client_id)
    _checked()
    change = credentials.rotate_feed if action == "rotate" else credentials.revoke_feed
    try:
        change(db_session(), client.id, token_id, now())
    except NotFound:
        abort(404)
    except DomainError:
        abort(409)
    db_session().commit()
    flash(
        _("New feed address: the old one no longer works.")
        if action == "rotate"
        else _("Feed revoked.")
    )
    return _back(client)


@bp.post("/clients/<int:client_id>/apikeys")
@admin_required
def api_key_create(client_id: int) -> ResponseReturnValue:

    client = visible_client(client_id)
    form = ApiKeyForm(prefix="apikey")
    if not form.validate_on_submit():
        return render_client(client, status=400)
    _row, key = create_api_key(db_session(), client.id, form.label.data or "", now())
    db_session().commit()
    return render_client(client, new_api_key=key)


@bp.post("/clients/<int:client_id>/apikeys/<int:key_id>/revoke")
@admin_required
def api_key_revoke(client_id: int, key_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    _checked()
    try:
        credentials.revoke_api_key(db_session(), client.id, key_id, now())
    except NotFound:
        abort(404)
    except DomainError:
        abort(409)
    db_session().commit()
    flash(_("API key revoked."))
    return _back(client)
