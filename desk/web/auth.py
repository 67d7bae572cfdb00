"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from desk.base.errors import DomainError
from desk.base.passwords import check_password, dummy_hash
from desk.base.words import say
from desk.models import User
from desk.people import accounts
from desk.request_context import db_session
from desk.web import bp
from desk.web.forms import LanguageForm, LoginForm
from desk.web.login_guard import login_blocked, login_failed


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("desk.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()[:254]
        if login_blocked(email):
            # Even the right password waits: a guesser must not learn it was right.
            form.password.errors = [say(DomainError("too_many_tries"), _)]
            response = make_response(render_template("desk/login.html", form=form), 429)
            response.headers["Retry-After"] = "900"
            return response
        user = accounts.user_by_email(db_session(), email)
        # An unknown e-mail costs the same hash as a known one: timing tells nothing.
        hashed = user.password_hash if user is not None else dummy_hash()
        password_ok = check_password(hashed, form.password.data or "")
        if user is None or not user.active or not password_ok:
            login_failed(email)
            form.password.errors = [_("Unknown e-mail or wrong password.")]
        else:
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("desk/login.html", form=form), 200 if request.method == "GET" else 401


def safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing gift. Browsers
    # read "/\\host" as "//host"; a CR or LF would break the Location header.
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("desk.index")


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    # Server-side: every cookie issued to this user so far stops working, including a
    # copy saved before this logout (the user loader checks the session version).
    user = db_session().get(User, current_user.id)
    if user is not None:
        user.session_version += 1
        db_session().commit()
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("desk.login"))


@bp.post("/language")
def language() -> ResponseReturnValue:
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            user = db_session().get(User, current_user.id)
            if user is not None:
                user.locale = form.locale.data
                db_session().commit()
    return redirect(safe_next(request.form.get("next")))
