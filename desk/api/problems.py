"""Errors as JSON problem objects (RFC 9457): title, status, detail, and the field at fault."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from desk.api import bp
from desk.base.errors import Conflict, DomainError, NotFound
from desk.base.words import DEFAULT_LOCALE, SUPPORTED_LOCALES, gettext_for, say

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Content",
}


def problem(status: int, detail: str, field: str | None = None, **extra: Any) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "field": field,
        **extra,
    }
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def detail(error: DomainError) -> str:
    """The error's words in the API caller's language (Accept-Language; French by default)."""
    locale = request.accept_languages.best_match(SUPPORTED_LOCALES, default=DEFAULT_LOCALE)
    return say(error, gettext_for(locale or DEFAULT_LOCALE))


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    if isinstance(exc, NotFound):
        return problem(404, detail(exc), exc.field)
    if isinstance(exc, Conflict):
        slots = getattr(exc, "next_slots", None)
        extra = {}
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
