"""Calendar: a week per client (and practitioner), appointments and imported busy blocks.

Everyone reads the calendars of the clients they may see (a client user, its own);
nobody edits here: booking, moving and cancelling are the Book page's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from desk.base.wall_time import week_to_open
from desk.clients.listing import client_menu
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import int_or_none, visible_client
from scheduling.week_view import FIRST_HOUR, LAST_HOUR, RANGE_MINUTES, week_view


@bp.get("/calendar")
@login_required
def calendar() -> ResponseReturnValue:
    client_id = int_or_none(request.args.get("client_id"))
    # The menu searches (`client_q`) rather than listing every client.
    clients = client_menu(db_session(), current_user, request.args.get("client_q", ""), client_id)
    if client_id is not None:
        client = visible_client(client_id)
    elif clients:
        client = clients[0]
    else:
        return render_template("desk/calendar.html", clients=[], client=None, view=None)
    try:
        day = date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        day = week_to_open(now().astimezone(ZoneInfo(client.timezone)).date())
    practitioner_id = int_or_none(request.args.get("practitioner_id"))
    view = week_view(db_session(), client, practitioner_id, day)
    if practitioner_id is not None and all(p.id != practitioner_id for p in view.practitioners):
        abort(404)
    local_today = now().astimezone(ZoneInfo(client.timezone)).date()
    try:
        shown = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        shown = local_today
    if not view.monday <= shown < view.monday + timedelta(days=7):
        shown = view.monday
    return render_template(
        "desk/calendar.html",
        shown_day=shown,
        tz_offsets=_offsets(view.monday, client.timezone),
        clients=clients,
        client=client,
        view=view,
        practitioner_id=practitioner_id,
        hours=range(FIRST_HOUR, LAST_HOUR),
        first_hour=FIRST_HOUR,
        range_minutes=RANGE_MINUTES,
        today=local_today,
    )


def _offsets(monday: date, tz: str) -> str:
    """Each day's UTC offset at noon ("+01:00,…"), so a click becomes an ISO instant."""
    zone = ZoneInfo(tz)
    found = []
    for n in range(7):
        at = datetime.combine(monday + timedelta(days=n), time(12), zone)
        found.append(at.isoformat()[-6:])
    return ",".join(found)
