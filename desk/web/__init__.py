"""The secretaries' web desk under /desk/: login, roles, pages."""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import Babel, get_locale
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from desk.web.errors import init_error_pages
from desk.web.filters import init_filters
from desk.web.i18n import SUPPORTED_LOCALES, select_locale
from desk.web.login_guard import init_login_guard

bp = Blueprint("desk", __name__, url_prefix="/desk")
# Paths that carry no cookie and never need a session (Twilio's webhooks).
SESSIONLESS = ("/webhooks/",)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but none for `SESSIONLESS` paths: building the
    signing serializer to read a cookie Twilio never sends cost every call."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(SESSIONLESS):
            return self.make_null_session(app)
        return super().open_session(app, request)


# ASCII digits only, bounded: `str.isdigit()` accepts "²" and int() of it fails.
_SESSION_ID = re.compile(r"(?P<id>[0-9]{1,12}):(?P<version>[0-9]{1,9})", re.ASCII)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def init_web(app: Flask) -> None:
    app.session_interface = CookieSessions()
    from desk.models import User
    from desk.request_context import db_session

    login_manager.login_view = "desk.login"
    login_manager.login_message = None  # the login page says it itself, translated
    login_manager.init_app(app)
    init_login_guard(app, app.extensions["desk.settings"])
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_locale="fr")
    app.jinja_env.globals["SUPPORTED_LOCALES"] = SUPPORTED_LOCALES
    app.jinja_env.globals["get_locale"] = get_locale
    init_filters(app)
    init_error_pages(app)

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        # "id:session_version" (User.get_id): a cookie from before a logout or a
        # password change names an old version and is refused.
        found = _SESSION_ID.fullmatch(user_id)
        if found is None:
            return None
        user = db_session().get(User, int(found["id"]))
        if user is None or not user.active or user.session_version != int(found["version"]):
            return None
        return user

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
        billing,
        billing_wording,
        book,
        calendar,
        calendars,
        callbacks,
        calls,
        client_admin,
        clients,
        feed_tokens,
        live,
        live_board,
        messages,
        money,
        now,
        offers_admin,
        outbox,
        pages,
        people,
        portal,
        presence,
        privacy,
        recordings,
        reports,
        reports_rota,
        rota,
        setup,
        simulator,
        simulator_rush,
        sms_inbox,
    )

    setup.init_setup(app)
    app.register_blueprint(bp)


def _endpoints(app: Flask) -> frozenset[str]:
    known: frozenset[str] | None = app.extensions.get("desk.endpoints")
    if known is None:
        known = frozenset(rule.endpoint for rule in app.url_map.iter_rules())
        app.extensions["desk.endpoints"] = known
    return known
