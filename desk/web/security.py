"""What every answer carries and how the app fails: security headers, 503 when the
database is down, 400/422 for values the database refuses, tokens kept out of logs."""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, Response, g, json, request
from sqlalchemy.exc import (
    DataError,
    InterfaceError,
    InvalidatePoolError,
    OperationalError,
    PendingRollbackError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
# Secrets that travel in URLs: feed tokens and cancel tokens. Access logs show the path
# with the token replaced, so a leaked log does not hand out calendars or cancellations.
_TOKEN_PATHS = re.compile(r"(/feeds/|/c/)[^/?\s\"]+")


def redact(text: str) -> str:
    return _TOKEN_PATHS.sub(lambda m: f"{m.group(1)}<token>", text)


class RedactTokens(logging.Filter):
    """For the development server's request log (werkzeug) and gunicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):  # gunicorn passes its atoms as one mapping
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        elif record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


def csp_nonce() -> str:
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(16)
    return nonce


def _csp(nonce: str | None) -> str:
    script = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return (
        "default-src 'self'; "
        f"script-src {script}; "
        # The calendar places its items with style attributes.
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


_CSP_WITHOUT_NONCE = _csp(None)
_ALWAYS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def _headers(app: Flask, response: Response) -> Response:
    """Every answer's security headers, unless its view set one itself (each webhook
    pays for this: the names present are read once, the values made once)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    if "content-security-policy" not in present:
        nonce = g.get("csp_nonce")
        headers.add("Content-Security-Policy", _csp(nonce) if nonce else _CSP_WITHOUT_NONCE)
    wanted = _ALWAYS + ((_HSTS,) if app.config.get("SESSION_COOKIE_SECURE") else ())
    for name, value in wanted:  # HSTS only when served over https
        if name.lower() not in present:
            headers.add(name, value)
    return response


def _unavailable(exc: Exception) -> Response:
    log.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "The database is unavailable; try again shortly.",
            "field": None,
        }
        response = Response(json.dumps(body), 503, mimetype="application/problem+json")
    else:
        response = Response("Service temporarily unavailable.\n", 503, mimetype="text/plain")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _refused_value(exc: DataError) -> Response:
    """A value the database refuses (out of range, a NUL byte): the input's fault."""
    log.warning("value refused by the database for %s: %s", request.path, exc.orig)
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "A value is out of range or contains forbidden characters.",
            "field": None,
        }
        return Response(json.dumps(body), 422, mimetype="application/problem+json")
    return Response("Bad request.\n", 400, mimetype="text/plain")


def _refuse_nul_bytes() -> Response | None:
    """No text of ours may hold a NUL byte (PostgreSQL refuses it): 400/422 up front.

    Voice webhooks are left to their own handler, which answers TwiML whatever happens.
    """
    if request.path.startswith("/webhooks/voice/"):
        return None
    raw = request.get_data(cache=True, parse_form_data=True)
    values = [*request.args.values(), request.path]
    if request.form:
        values += list(request.form.values())
    if b"\x00" in raw or b"\\u0000" in raw or any("\x00" in v for v in values):
        if request.path.startswith("/api/"):
            body = {
                "type": "about:blank",
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "NUL characters are not allowed.",
                "field": None,
            }
            return Response(json.dumps(body), 422, mimetype="application/problem+json")
        return Response("Bad request.\n", 400, mimetype="text/plain")
    return None


def api_http_error(exc: HTTPException) -> Response | HTTPException:
    """A URL the API does not know (an id beyond range) is a JSON 404 there too."""
    if not request.path.startswith("/api/"):
        return exc
    body = {
        "type": "about:blank",
        "title": exc.name,
        "status": exc.code,
        "detail": exc.description or "",
        "field": None,
    }
    response = Response(json.dumps(body), exc.code or 500, mimetype="application/problem+json")
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_security(app: Flask) -> None:
    app.register_error_handler(HTTPException, api_http_error)
    app.before_request(_refuse_nul_bytes)
    app.after_request(lambda response: _headers(app, response))
    # Every way a lost or refused connection shows itself: a temporary failure (503).
    for gone in (
        OperationalError,
        InterfaceError,
        InvalidatePoolError,
        PendingRollbackError,
        PoolTimeout,
    ):
        app.register_error_handler(gone, _unavailable)
    app.register_error_handler(DataError, _refused_value)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    logging.getLogger("werkzeug").addFilter(RedactTokens())
    logging.getLogger("gunicorn.access").addFilter(RedactTokens())
