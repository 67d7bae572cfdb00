"""The Simulator page's lunch-rush rehearsal (admins): the form, then the rehearsal's table
beside Erlang A's (`desk.rehearsal.run`, the same as `desk simulate rush`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext

from desk.base.errors import DomainError
from desk.base.words import say, word
from desk.rehearsal.run import (
    DEFAULT_PATIENCE,
    SCRATCH_STAGE,
    RushRequest,
    StageOpener,
    rehearse,
)
from desk.rehearsal.tally import RushReport, table
from desk.request_context import database, db_session, now, settings
from desk.web import bp
from desk.web.common import admin_required
from desk.web.simulator import call_form, page, rush_form
from desk.web.simulator_forms import RushForm

PARIS = ZoneInfo("Europe/Paris")
# A rehearsal runs inside the request: kept to what takes seconds.
WEB_MAX_CALLS = 300
WEB_MAX_MINUTES = 240


def _request(form: RushForm) -> RushRequest | None:
    """The rehearsal asked for, or None with the errors next to their fields."""
    if not 1 <= (form.calls.data or 0) <= WEB_MAX_CALLS:
        form.calls.errors = [word("rush_calls", gettext, most=WEB_MAX_CALLS)]
    if not 0 < (form.minutes.data or 0) <= WEB_MAX_MINUTES:
        form.minutes.errors = [word("rush_minutes", gettext, most=WEB_MAX_MINUTES)]
    if form.calls.errors or form.minutes.errors:
        return None
    at = form.at.data.replace(tzinfo=PARIS) if form.at.data else None
    return RushRequest(
        client=form.client.data,
        calls=form.calls.data,
        minutes=float(form.minutes.data),
        talk=float(form.talk.data) if form.talk.data is not None else None,
        patience=float(form.patience.data or DEFAULT_PATIENCE),
        secretaries=form.names(),
        queue=bool(form.queue.data),
        at=at,
    )


@bp.post("/simulator/rush")
@admin_required
def simulator_rush() -> ResponseReturnValue:
    form = rush_form()
    if not form.validate_on_submit():
        return page(call_form(), 400, rush=form)
    asked = _request(form)
    if asked is None:
        return page(call_form(), 400, rush=form)
    at = now()
    # Release this request's own read transaction: the rehearsal reads the desk afresh.
    db_session().commit()
    opener: StageOpener = current_app.extensions[SCRATCH_STAGE]
    try:
        done = rehearse(database(), settings(), asked, opener, at)
    except DomainError as exc:
        field = getattr(form, exc.field or "", None) or form.calls
        field.errors = [*field.errors, say(exc, gettext)]
        return page(call_form(), 400, rush=form)
    return page(call_form(), rush=form, report=done.report, rows=_rows(done.report))


def _rows(report: RushReport) -> list[tuple[str, str, str]]:
    return [
        (gettext(label), done, model)
        for label, done, model in table(report, str(get_locale() or "fr"))
    ]
