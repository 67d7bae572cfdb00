"""Her state in the desk's header, and a break: taken by herself or by an admin."""

from __future__ import annotations

import json
from datetime import datetime

from flask import abort, flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from desk.base.errors import DomainError
from desk.base.words import say
from desk.calls import presence
from desk.models import Presence, Secretary
from desk.models.states import PresenceState
from desk.request_context import db_session
from desk.request_context import now as clock_now
from desk.web import bp
from desk.web.auth import safe_next as safe_next
from desk.web.common import staff_required

# What the header and the live board call each state.
STATE_LABELS = {
    PresenceState.AVAILABLE: _l("Available"),
    PresenceState.RINGING: _l("Ringing"),
    PresenceState.ON_CALL: _l("On a call"),
    PresenceState.WRAPPING_UP: _l("Wrapping up"),
    PresenceState.ON_BREAK: _l("On a break"),
}


def my_presence() -> tuple[PresenceState, datetime | None] | None:
    """The logged-in secretary's state and since when (None for anyone else). Reads
    only: a secretary without a row yet is available."""
    if not current_user.is_authenticated or current_user.secretary_id is None:
        return None
    at = clock_now()
    row = db_session().get(Presence, current_user.secretary_id)
    state = presence.effective_state(row, at)
    if row is None:
        return state, None
    return state, (row.until if state != row.state else row.since)


def presence_labels_json() -> str:
    """Every state's words in her language, for the header to follow pushed changes."""
    return json.dumps({state.value: str(label) for state, label in STATE_LABELS.items()})


@bp.app_context_processor
def _presence_in_header() -> dict[str, object]:
    return {
        "my_presence": my_presence,
        "presence_labels": STATE_LABELS,
        "presence_labels_json": presence_labels_json,
    }


@bp.post("/presence/break")
@staff_required
def presence_break() -> ResponseReturnValue:
    """`action` = start or end; an admin may name a secretary (`secretary_id`)."""
    secretary_id = current_user.secretary_id
    named = request.form.get("secretary_id", type=int)
    if named is not None and named != secretary_id:
        if current_user.role != "admin":
            abort(403)
        secretary_id = named
    if secretary_id is None or db_session().get(Secretary, secretary_id) is None:
        abort(404)
    session = db_session()
    at = clock_now()
    try:
        if request.form.get("action") == "start":
            presence.take_break(session, secretary_id, at)
        else:
            presence.end_break(session, secretary_id, at)
        session.commit()
    except DomainError as exc:
        session.rollback()
        flash(say(exc, gettext))
    return redirect(safe_next(request.form.get("next")))
