"""The practice's portal (role client): messages, calls, appointments, calendar feeds.

Never the secretaries' script, never another practice: every route works from the
logged-in user's own client, and another client's ids answer 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import segno
from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from desk.base.errors import NotFound
from desk.models import Client
from desk.portal import practice as portal
from desk.request_context import db_session, now, settings
from desk.web import bp
from desk.web.calls import OUTCOME_LABELS
from desk.web.people_forms import ActionForm
from scheduling.feeds import feed_url

F = TypeVar("F", bound=Callable[..., Any])


def client_user_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role != "client":
            abort(403)
        return view(*args, **kwargs)

    return login_required(wrapper)


def _own() -> Client:
    try:
        return portal.own_client(db_session(), current_user)
    except NotFound:
        abort(404)


def _qr(url: str) -> str:
    """The URL as a QR code (an SVG data URI): a phone's camera adds the calendar."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def _feeds(client: Client) -> list[dict[str, Any]]:
    base = settings()["server.public_base_url"]
    rows = []
    for row in portal.feeds(db_session(), client):
        url = feed_url(base, row.token)
        rows.append(
            {
                "id": row.id,
                "of": row.practitioner,
                "url": url,
                "webcal": "webcal://" + url.split("://", 1)[1],
                "qr": _qr(url),
            }
        )
    return rows


@bp.get("/portal/")
@client_user_required
def portal_home() -> ResponseReturnValue:
    client = _own()
    session = db_session()
    return render_template(
        "desk/portal.html",
        client=client,
        messages=portal.messages(session, client),
        calls=portal.calls(session, client),
        staff=portal.staff_numbers(session),
        outcomes=OUTCOME_LABELS,
        appointments=portal.appointments(session, client, now()),
        feeds=_feeds(client),
        action_form=ActionForm(),
    )


@bp.get("/portal/feeds/<int:feed_id>")
@client_user_required
def portal_feed(feed_id: int) -> ResponseReturnValue:
    client = _own()
    try:
        portal.feed(db_session(), client, feed_id)
    except NotFound:
        abort(404)
    (row,) = [f for f in _feeds(client) if f["id"] == feed_id]
    return render_template("desk/portal_feed.html", client=client, feed=row)


@bp.post("/portal/feeds")
@client_user_required
def portal_feeds_create() -> ResponseReturnValue:
    client = _own()
    if not ActionForm().validate_on_submit():
        abort(400)
    portal.ensure_feeds(db_session(), client, now())
    db_session().commit()
    flash(_("Your calendar links are ready."))
    return redirect(url_for("desk.portal_home") + "#feeds")


@bp.post("/portal/messages/<int:message_id>/read")
@client_user_required
def portal_message_read(message_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        portal.mark_read(db_session(), current_user, message_id, now())
    except NotFound:
        abort(404)
    db_session().commit()
    flash(_("Marked as read."))
    return redirect(url_for("desk.portal_home") + "#messages")
