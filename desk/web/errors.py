"""Error pages of the desk (403, 404, 500) in its layout and the reader's language.

Only for pages people read: the API answers problem+json (its own handlers), webhooks
TwiML, feeds their status; those paths keep Werkzeug's plain answers here.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

from desk.web.security import api_http_error

log = logging.getLogger(__name__)

MACHINE_PATHS = ("/api/", "/webhooks/", "/feeds/", "/healthz", "/readyz")
SHOWN = (400, 403, 404, 405, 409, 500)


def _page(error: HTTPException) -> ResponseReturnValue:
    if request.path.startswith(MACHINE_PATHS):
        return api_http_error(error)  # problem+json under /api/, Werkzeug's answer elsewhere
    code = error.code or 500
    return render_template("desk/error.html", code=code if code in SHOWN else 500), code


def init_error_pages(app: Flask) -> None:
    for code in (400, 403, 404, 405, 409):
        app.register_error_handler(code, _page)

    @app.errorhandler(500)
    def _server_error(error: Exception) -> ResponseReturnValue:
        original = getattr(error, "original_exception", None) or error
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
        if request.path.startswith(MACHINE_PATHS):
            return InternalServerError()
        try:
            return render_template("desk/error.html", code=500), 500
        except Exception:  # the layout itself failed (database down): plain words
            log.exception("the error page failed too")
            return "Erreur interne / Internal error", 500
