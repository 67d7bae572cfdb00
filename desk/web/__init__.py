"""The secretaries' web desk under /desk/: login, roles, pages."""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask_babel import Babel, get_locale
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from desk.web.filters import init_filters
from desk.web.i18n import SUPPORTED_LOCALES, select_locale

bp = Blueprint("desk", __name__, url_prefix="/desk")
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def init_web(app: Flask) -> None:
    from desk.models import User
    from desk.request_context import db_session

    login_manager.login_view = "desk.login"
    login_manager.login_message = None  # the login page says it itself, translated
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_locale="fr")
    app.jinja_env.globals["SUPPORTED_LOCALES"] = SUPPORTED_LOCALES
    app.jinja_env.globals["get_locale"] = get_locale
    init_filters(app)

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db_session().get(User, int(user_id))
        return user if user is not None and user.active else None

    @app.context_processor
    def _inject() -> dict[str, object]:
        # `endpoints` lets the menu and the fiche link only to pages that exist yet.
        return {
            "current_user": current_user,
            "request_path": request.path,
            "endpoints": _endpoints(app),
        }

    from desk.web import (  # noqa: F401  (routes)
        auth,
        book,
        calendar,
        calls,
        client_admin,
        clients,
        feeds,
        messages,
        now,
        outbox,
        pages,
        people,
        portal,
        privacy,
        rota,
        setup,
        simulator,
    )

    setup.init_setup(app)
    app.register_blueprint(bp)


def _endpoints(app: Flask) -> frozenset[str]:
    known: frozenset[str] | None = app.extensions.get("desk.endpoints")
    if known is None:
        known = frozenset(rule.endpoint for rule in app.url_map.iter_rules())
        app.extensions["desk.endpoints"] = known
    return known
