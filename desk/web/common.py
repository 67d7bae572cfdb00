"""What the desk's views share: role checks, the visible client, domain errors to forms."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, flash, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from desk.base.errors import DomainError, NotFound
from desk.base.keyset import Cursor, Page, parse_cursor
from desk.base.parse import int_in_range
from desk.base.words import say
from desk.clients.access import client_for
from desk.models import Client
from desk.request_context import db_session

F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """Logged in (else the login page) and an admin (else 403)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return login_required(wrapper)


def staff_required(view: F) -> F:
    """Admins and secretaries: pages of the desk's own work (rota, the live call)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role not in ("admin", "secretary"):
            abort(403)
        return view(*args, **kwargs)

    return login_required(wrapper)


def int_or_none(value: object) -> int | None:
    """A query-string or form value as an id; None when it is empty or not a number."""
    return int_in_range(value)


def choices_with_all(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """A filter's choices: "All" (the empty value) first, then the `(value, label)` pairs."""
    return [SelectChoice("", _l("All")), *(SelectChoice(value, label) for value, label in pairs)]


def visible_client(client_id: int) -> Client:
    """The client if the logged-in user may see it; 404 otherwise. Admins see archived
    clients too (to read their history or restore them)."""
    if current_user.role == "admin":
        found = db_session().get(Client, client_id)
        if found is None:
            abort(404)
        return found
    try:
        return client_for(db_session(), current_user, client_id)
    except NotFound:
        abort(404)


def error_to_form(form: FlaskForm, error: DomainError, default_field: str) -> None:
    """Show a domain error next to the field it names (or `default_field`)."""
    name = error.field if error.field and error.field in form else default_field
    form[name].errors = [*form[name].errors, say(error, gettext)]


def apply_form(form: FlaskForm, apply: Callable[[], object], done: str) -> bool:
    """Validate `form` and run `apply`: commit and flash `done` when it succeeds; else a
    DomainError goes next to the field it names (or the form's first field) and the
    session is rolled back. True when applied."""
    if not form.validate_on_submit():
        return False
    try:
        apply()
    except DomainError as exc:
        db_session().rollback()
        error_to_form(form, exc, next(iter(form._fields)))
        return False
    db_session().commit()
    flash(done)
    return True


@dataclass(frozen=True)
class LogLinks:
    """The links under a log page: back to the newest rows, on to older ones."""

    newest: str | None  # None on the newest page
    older: str | None  # None on the last page


def log_cursor() -> Cursor | None:
    """The `before` of the query string; a malformed or forged one means the first page."""
    return parse_cursor(request.args.get("before"))


def log_links(page: Page[Any]) -> LogLinks:
    """Links to this log's newest and older pages, keeping every filter of the request."""
    args: dict[str, Any] = {
        k: v for k, v in request.args.to_dict(flat=False).items() if k != "before"
    }
    endpoint = request.endpoint or ""
    return LogLinks(
        newest=None if page.first else url_for(endpoint, **args),
        older=url_for(endpoint, **args, before=str(page.older)) if page.older else None,
    )
