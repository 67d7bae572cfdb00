"""The admin edits the words of invoice e-mails and reminders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_wtf import FlaskForm

from desk.base.errors import DomainError
from desk.base.words import say
from desk.billing.wording import KEYS, PLACEHOLDERS, all_wordings, set_wording
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import admin_required


@bp.route("/billing/wording", methods=["GET", "POST"])
@admin_required
def billing_wording() -> ResponseReturnValue:
    form = FlaskForm()  # the CSRF token
    error = ""
    key = request.form.get("key", "")
    if request.method == "POST" and form.validate_on_submit() and key in KEYS:
        try:
            set_wording(
                db_session(), key, request.form.get("subject", ""), request.form.get("body", ""),
                now(),
            )  # fmt: skip
            db_session().commit()
            flash(gettext("Wording saved."))
            return redirect(url_for("desk.billing_wording"))
        except DomainError as exc:
            db_session().rollback()
            error = say(exc, gettext)
    return render_template(
        "desk/billing_wording.html",
        form=form,
        wordings=all_wordings(db_session()),
        placeholders=PLACEHOLDERS,
        error=error,
        failed_key=key,
    ), 422 if error else 200
