"""Public pages of scheduling: calendar feeds and the patients' cancel page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import force_locale

from desk.base.errors import NotFound
from desk.base.words import supported
from desk.request_context import db_session, now
from desk.web import csrf
from scheduling.cancel import cancel_by_token, view_by_token
from scheduling.feeds import build_feed, feed_state, resolve_token

bp = Blueprint("scheduling", __name__)


@bp.route("/feeds/<token>.ics", methods=["GET", "HEAD"])
def feed(token: str) -> Response:
    session = db_session()
    row = resolve_token(session, token)
    if row is None:
        abort(404)
    state = feed_state(session, row, now())
    headers = {"Cache-Control": "private, max-age=300", "ETag": f'"{state.etag}"'}
    if request.if_none_match.contains(state.etag):
        return Response(status=304, headers=headers)
    body = b""
    if request.method != "HEAD":
        body = build_feed(session, row, state)
        session.commit()  # the event texts it rebuilt, stored for every worker
    response = Response(body, mimetype="text/calendar", headers=headers)
    response.mimetype_params["charset"] = "utf-8"
    response.last_modified = state.last_modified
    if request.method == "HEAD":
        response.headers.pop("Content-Length", None)
    return response


# The token in the URL is the credential (256 random bits, sent only to the patient);
# a cross-site form cannot know it, so a CSRF token would add nothing but a cookie.
@csrf.exempt
@bp.route("/c/<token>", methods=["GET", "POST"])
def cancel_page(token: str) -> tuple[str, int]:
    session = db_session()
    try:
        if request.method == "POST":
            view = cancel_by_token(session, token, now())
            session.commit()
        else:
            view = view_by_token(session, token, now())
    except NotFound:  # no appointment, no client: the browser's language
        return render_template("scheduling/cancel_unknown.html"), 404
    with force_locale(supported(view.client.locale)):  # the practice's language
        page = render_template("scheduling/cancel.html", view=view, posted=request.method == "POST")
    return page, 200
