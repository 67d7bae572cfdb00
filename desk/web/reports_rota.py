"""The rota page's staffing section: forecast, Erlang C advice, and a what-if client.

A context helper the rota template includes (`desk/_rota_staffing.html`), so the rota
view itself stays as it is.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from desk.base.errors import DomainError
from desk.base.words import say
from desk.models import Client
from desk.reports.desk_staffing import desk_week_advice
from desk.reports.forecast import Window, week_advice
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import admin_required


def _what_if() -> tuple[float, tuple[Window, ...]]:
    args = request.args
    raw = args.get("whatif_calls", "").strip()
    if not raw:
        return 0.0, ()
    try:
        calls = float(raw.replace(",", "."))
        start = time.fromisoformat(args.get("whatif_start", "") or "12:00")
        end = time.fromisoformat(args.get("whatif_end", "") or "14:00")
    except ValueError:
        raise DomainError("what_if_window", "window") from None
    days = frozenset(int(d) for d in args.getlist("whatif_day") if d in "0123456" and d)
    return calls, (Window(days, start, end),)


def rota_staffing(client: Client, monday: date) -> dict[str, Any]:
    """What the staffing partial shows for `client`'s week starting `monday`."""
    try:
        calls, windows = _what_if()
        found = week_advice(db_session(), client, monday, calls, windows)
    except DomainError as exc:
        return {"error": say(exc, gettext), "advice": week_advice(db_session(), client, monday)}
    return {"error": None, "advice": found}


@bp.get("/reports/staffing")
@admin_required
def desk_staffing() -> ResponseReturnValue:
    """The whole desk's staffing advice for a week (all active clients, everyone on duty)."""
    today = now().date()
    monday = today - timedelta(days=today.weekday())
    error = None
    try:
        asked = date.fromisoformat(request.args.get("week") or monday.isoformat())
        monday = asked - timedelta(days=asked.weekday())
    except ValueError:
        error = gettext("Dates are written YYYY-MM-DD.")
    advice = desk_week_advice(db_session(), monday)
    return render_template(
        "desk/reports_staffing.html", advice=advice, monday=monday, error=error
    ), (200 if error is None else 422)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"rota_staffing": rota_staffing}
