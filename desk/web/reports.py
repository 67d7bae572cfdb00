"""Activity pages: the measures (docs/activity.md) and their charts, table and CSV.

Admins see the whole desk or one client, a secretary her own calls, a client its own;
another tenant's client is a 404, on the page and on every CSV.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user, login_required

from desk.base.errors import DomainError, NotFound
from desk.base.spreadsheet import csv_text
from desk.base.words import say
from desk.clients.listing import client_menu
from desk.reports.access import Report, default_period, report_for
from desk.reports.periods import DESK_TIMEZONE
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import int_or_none, visible_client

CHARTS = ("measures", "heatmap", "weekly", "waits", "secretaries")


def _dates() -> tuple[date, date, str | None]:
    first, last = default_period(now().date())
    error = None
    try:
        first = date.fromisoformat(request.args.get("from") or first.isoformat())
        last = date.fromisoformat(request.args.get("to") or last.isoformat())
    except ValueError:
        error = gettext("Dates are written YYYY-MM-DD.")
    return first, last, error


def _report() -> tuple[Report | None, date, date, str | None]:
    client_id = int_or_none(request.args.get("client"))
    if request.args.get("client") and client_id is None:
        abort(404)
    if client_id is not None:
        visible_client(client_id)  # another tenant's client: 404 whatever else is asked
    first, last, error = _dates()
    if error is not None:
        return None, first, last, error
    try:
        found = report_for(db_session(), current_user, client_id, first, last)
        return found, first, last, None
    except NotFound:
        abort(404)
    except DomainError as exc:
        return None, first, last, say(exc, gettext)


def _report_client(found: Report | None) -> int | None:
    return found.client.id if found is not None and found.client is not None else None


@bp.get("/reports/")
@login_required
def reports() -> ResponseReturnValue:
    found, first, last, error = _report()
    # The client menu searches (`client_q`) rather than listing every client.
    clients = (
        client_menu(
            db_session(), current_user, request.args.get("client_q", ""), _report_client(found)
        )
        if current_user.role == "admin"
        else []
    )
    return render_template(
        "desk/reports.html",
        report=found,
        first=first,
        last=last,
        error=error,
        clients=clients,
        desk_timezone=DESK_TIMEZONE,
        csv_args={k: v for k, v in request.args.items() if k in ("client", "from", "to")},
    ), (200 if error is None else 422)


@bp.get("/reports/<chart>.csv")
@login_required
def report_csv(chart: str) -> ResponseReturnValue:
    if chart not in CHARTS:
        abort(404)
    found, _first, _last, error = _report()
    if found is None:
        return Response(error or "", status=422, mimetype="text/plain")
    name = f"{chart}-{found.activity.first}-{found.activity.last}.csv"
    return Response(
        csv_text(csv_rows(found, chart)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def csv_rows(found: Report, chart: str) -> list[list[Any]]:
    a = found.activity
    if chart == "measures":
        return [["measure", "value"], *([k, v] for k, v in a.as_dict()["measures"].items())]
    if chart == "heatmap":
        return [["weekday", "hour", "calls"]] + [
            [day, hour, a.heatmap[day][hour]] for day in range(7) for hour in range(24)
        ]
    if chart == "weekly":
        return [["week", "offered", "answered"]] + [
            [w["week"], w["offered"], w["answered"]] for w in a.weekly
        ]
    if chart == "waits":
        return [["up_to_seconds", "calls"]] + [
            ["" if b["up_to"] is None else b["up_to"], b["calls"]] for b in a.wait_distribution
        ]
    return [["secretary", "partner", "answered", "talk_seconds", "median_wait_seconds"]] + [
        [s.name, int(s.partner), s.answered, s.talk_seconds, s.median_wait_seconds]
        for s in a.secretaries
    ]
