"""The admin's side of offers on the rota page: "Proposer au réseau" on a gap, withdraw
an offer, the client's automatic offers and the desk's waves."""

from __future__ import annotations

from datetime import date, datetime

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from desk.base.errors import DomainError
from desk.base.words import say
from desk.offers import closing
from desk.offers import settings as offer_settings
from desk.offers.making import offer_gap
from desk.offers.sending import send_due
from desk.request_context import db_session, now, settings
from desk.web import bp
from desk.web.common import admin_required, visible_client


def _back(client_id: int) -> ResponseReturnValue:
    week = request.args.get("week", "")
    try:
        monday = date.fromisoformat(week).isoformat()
    except ValueError:
        monday = None
    return redirect(url_for("desk.rota", client=client_id, week=monday) + "#offers")


def _failed(error: DomainError, client_id: int) -> ResponseReturnValue:
    db_session().rollback()
    flash(say(error, gettext), "error")
    return _back(client_id)


def _instant(name: str) -> datetime | None:
    try:
        found = datetime.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


@bp.post("/rota/<int:client_id>/offer")
@admin_required
def offer_gap_to_network(client_id: int) -> ResponseReturnValue:
    """The gap's own bounds come from the grid (UTC instants in hidden fields)."""
    client = visible_client(client_id)
    start, end = _instant("starts_at"), _instant("ends_at")
    if start is None or end is None:
        return _failed(DomainError("offer_window"), client.id)
    session = db_session()
    try:
        made = offer_gap(session, client.id, start, end, now())
        send_due(session, now(), str(settings()["server.public_base_url"]), offer_id=made.id)
    except DomainError as error:
        return _failed(error, client.id)
    session.commit()
    flash(gettext("Offered to the network (offer %(id)s).", id=made.id))
    return _back(client.id)


@bp.post("/rota/<int:client_id>/offers/<int:offer_id>/withdraw")
@admin_required
def withdraw_offer(client_id: int, offer_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    try:
        closing.withdraw(db_session(), offer_id, now())
    except DomainError as error:
        return _failed(error, client.id)
    db_session().commit()
    flash(gettext("Offer %(id)s withdrawn.", id=offer_id))
    return _back(client.id)


@bp.post("/rota/<int:client_id>/offers/settings")
@admin_required
def offer_settings_save(client_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    session = db_session()
    try:
        days = int(request.form.get("days_ahead", ""))
        delay = int(request.form.get("wave_delay_minutes", ""))
    except ValueError:
        return _failed(DomainError("offer_days_ahead"), client.id)
    try:
        offer_settings.set_days_ahead(session, client.id, days)
        offer_settings.set_policy(session, delay, request.form.get("include_desk") == "on")
    except DomainError as error:
        return _failed(error, client.id)
    session.commit()
    flash(gettext("Offer settings saved."))
    return _back(client.id)
