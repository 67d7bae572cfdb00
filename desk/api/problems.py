"""Errors as JSON problem objects (RFC 9457): title, status, detail, and the field at fault."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from desk.api import bp
from desk.api.serialize import appointment_json
from desk.base.errors import Conflict, DomainError, NotFound
from desk.base.words import DEFAULT_LOCALE, N_, SUPPORTED_LOCALES, gettext_for, say, word

# Titles in the caller's language too (RFC 9457 lets a title follow the content language).
TITLES = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    404: N_("Not Found"),
    409: N_("Conflict"),
    422: N_("Unprocessable Content"),
    429: N_("Too Many Requests"),
    503: N_("Service Unavailable"),
}


def problem(status: int, detail: str, field: str | None = None, **extra: Any) -> Response:
    locale = caller_locale()
    body = {
        "type": "about:blank",
        "title": gettext_for(locale)(TITLES.get(status, N_("Error"))),
        "status": status,
        "detail": detail,
        "field": field,
        **extra,
    }
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    response.headers["Content-Language"] = locale
    return response


def caller_locale() -> str:
    """The API caller's language: Accept-Language, French by default."""
    locale = request.accept_languages.best_match(SUPPORTED_LOCALES, default=DEFAULT_LOCALE)
    return locale or DEFAULT_LOCALE


def detail(error: DomainError) -> str:
    """The error's words in the API caller's language (Accept-Language; French by default)."""
    return say(error, gettext_for(caller_locale()))


def code_detail(code: str) -> str:
    """The words of a catalogue code in the API caller's language."""
    return word(code, gettext_for(caller_locale()))


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    if isinstance(exc, NotFound):
        return problem(404, detail(exc), exc.field)
    if isinstance(exc, Conflict):
        slots = getattr(exc, "next_slots", None)
        extra: dict[str, Any] = {}
        current = getattr(exc, "current", None)
        if current is not None:  # a stale write: the state it lost to
            extra["current"] = appointment_json(current)
        if slots is not None:
            extra["next_slots"] = [
                {"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()}
                for s in slots
            ]
        return problem(409, detail(exc), exc.field, **extra)
    return problem(422, detail(exc), exc.field)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    return problem(exc.code or 500, exc.description or "", None)
