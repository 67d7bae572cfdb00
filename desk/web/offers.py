"""A partner's offer page, from the link in her SMS or e-mail: `/offers/<token>`.

GET shows the mission (practice, local time, her pay; never patients' data); POST
accepts or declines it (CSRF-protected: the page sets the token). The first acceptance
wins; the others read "Mission déjà pourvue" (409); an offer over reads 410, an unknown
link 404. The page speaks her language.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import force_locale, get_locale

from desk.base.db import begin_immediate
from desk.base.errors import Conflict, DomainError, NotFound
from desk.base.words import gettext_for, say, supported
from desk.offers import answers
from desk.request_context import db_session, now

bp = Blueprint("offers", __name__)


def _status(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    return 410


def _refused(error: DomainError, locale: str) -> tuple[str, int]:
    with force_locale(locale):
        page = render_template(
            "offers/closed.html", message=say(error, gettext_for(locale)), locale=locale
        )
    return page, _status(error)


@bp.route("/offers/<token>", methods=["GET", "POST"])
def offer_page(token: str) -> tuple[str, int]:
    session = db_session()
    browser = supported(str(get_locale()))
    if request.method == "POST":
        # SQLite's write lock first: the read and the compare-and-set are one unit.
        begin_immediate(session)
    try:
        shown = answers.view(session, token, now())
    except DomainError as error:
        return _refused(error, browser)
    answered = ""
    if request.method == "POST":
        choice = request.form.get("answer", "")
        try:
            if choice == "accept":
                answers.accept(session, token, now())
            elif choice == "decline":
                answers.decline(session, token, now())
            session.commit()
        except DomainError as error:
            session.rollback()
            return _refused(error, shown.locale)
        answered = choice
        shown = answers.view(session, token, now())
    with force_locale(shown.locale):
        page = render_template("offers/offer.html", offer=shown, answered=answered)
    return page, 200
