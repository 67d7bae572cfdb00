"""What the desk's views share: role checks, the visible client, domain errors to forms."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from desk.access import client_for
from desk.errors import DomainError, NotFound
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


def visible_client(client_id: int) -> Client:
    """The client if the logged-in user may see it; 404 otherwise."""
    try:
        return client_for(db_session(), current_user, client_id)
    except NotFound:
        abort(404)


def error_to_form(form: FlaskForm, error: DomainError, default_field: str) -> None:
    """Show a domain error next to the field it names (or `default_field`)."""
    name = error.field if error.field and error.field in form else default_field
    form[name].errors = [*form[name].errors, error.message]
