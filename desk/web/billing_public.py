"""The prospect's page: read a quote and accept it ("bon pour accord").

Its words follow the client's language once the quote made one, else the desk's
(`server.default_locale`): a prospect has no language of its own yet."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import force_locale

from desk.base.errors import DomainError
from desk.base.words import gettext_for, say, supported
from desk.billing.money import euros
from desk.billing.quotes import accept_quote, quote_for_token
from desk.models import Client, DeskIdentity, Quote
from desk.request_context import db_session, now, settings
from desk.web import csrf

bp = Blueprint("billing_public", __name__)


@bp.context_processor
def _desk_name() -> dict[str, str]:
    """The desk's own name over its quote pages (set at set-up; empty before)."""
    identity = DeskIdentity.get(db_session())
    return {"desk_name": identity.desk_name if identity is not None else ""}


def _locale(quote: Quote | None = None) -> str:
    client = db_session().get(Client, quote.client_id) if quote and quote.client_id else None
    return supported(client.locale if client else settings()["server.default_locale"])


def _gone(error: DomainError) -> tuple[str, int]:
    locale = _locale()
    with force_locale(locale):
        return render_template(
            "billing/quote_gone.html", message=say(error, gettext_for(locale))
        ), 404


# The token in the URL is the credential (256 random bits, e-mailed to the prospect only);
# a cross-site form cannot know it, so a CSRF token would add nothing but a cookie.
@csrf.exempt
@bp.route("/quote/<token>", methods=["GET", "POST"])
def quote_page(token: str) -> tuple[str, int]:
    session = db_session()
    try:
        quote = quote_for_token(session, token, now())
    except DomainError as error:
        return _gone(error)
    locale = _locale(quote)
    error_text = ""
    if request.method == "POST":
        try:
            client = accept_quote(
                session,
                token,
                typed_name=request.form.get("name", ""),
                consent=request.form.get("consent") == "bon pour accord",
                shown_sha256=request.form.get("sha256", ""),
                ip=request.remote_addr or "",
                now=now(),
            )
            session.commit()
            with force_locale(locale):  # the language the prospect just read
                page = render_template("billing/quote_done.html", quote=quote, client=client)
            return page, 200
        except DomainError as error:
            session.rollback()
            error_text = say(error, gettext_for(locale))
    with force_locale(locale):
        page = render_template(
            "billing/quote_accept.html",
            quote=quote,
            total=euros(quote.monthly_estimate_cents),
            error=error_text,
            typed=request.form.get("name", ""),
        )
    return page, 422 if error_text else 200


@bp.route("/quote/<token>/devis.pdf")
def quote_pdf(token: str) -> Response | tuple[str, int]:
    try:
        quote = quote_for_token(db_session(), token, now())
    except DomainError as error:
        return _gone(error)
    return Response(
        quote.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{quote.number}.pdf"'},
    )
