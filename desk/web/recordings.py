"""`/desk/recordings/<call|message>/<id>`: a recording played in the page, through the desk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import Response, abort, stream_with_context
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from desk.base.errors import DomainError, NotFound
from desk.calls.recordings import TwilioAccess, recording_url, stream_recording
from desk.request_context import db_session, settings
from desk.web import bp


def _access() -> TwilioAccess:
    s = settings()
    cache = None
    if s["twilio.cache_recordings"]:
        cache = Path(s["server.instance_path"]) / "recordings"
        cache.mkdir(parents=True, exist_ok=True)
    return TwilioAccess(
        s["twilio.account_sid"], s["twilio.auth_token"], s["twilio.api_base_url"], cache
    )


@bp.get("/recordings/<any(call, message):kind>/<int:item_id>")
@login_required
def recording(kind: str, item_id: int) -> ResponseReturnValue:
    """Whoever may see the call or message may hear it; nobody sees Twilio's URL."""
    try:
        url = recording_url(db_session(), current_user, kind, item_id)
    except NotFound:
        abort(404)
    chunks = stream_recording(url, _access())
    try:
        first = next(chunks, b"")  # fails here, before any byte is sent, when Twilio does
    except DomainError:
        abort(502)
    db_session().close()  # the stream may last: give the connection back now

    def body() -> Iterator[bytes]:
        yield first
        yield from chunks

    headers = {"Cache-Control": "private, max-age=3600"}
    return Response(stream_with_context(body()), mimetype="audio/mpeg", headers=headers)
