"""The rota page's staffing section: forecast, Erlang C advice, and a what-if client.

A context helper the rota template includes (`desk/_rota_staffing.html`), so the rota
view itself stays as it is.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from flask import request
from flask_babel import gettext

from desk.base.errors import DomainError
from desk.base.words import say
from desk.models import Client
from desk.reports.forecast import Window, week_advice
from desk.request_context import db_session
from desk.web import bp


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


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"rota_staffing": rota_staffing}
