"""The prospect's page: read a quote and accept it ("bon pour accord")."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from desk.base.errors import DomainError
from desk.base.words import gettext_for, say
from desk.billing.money import euros
from desk.billing.quotes import accept_quote, quote_for_token
from desk.request_context import db_session, now
from desk.web import csrf

bp = Blueprint("billing_public", __name__)


# The token in the URL is the credential (256 random bits, e-mailed to the prospect only);
# a cross-site form cannot know it, so a CSRF token would add nothing but a cookie.
@csrf.exempt
@bp.route("/quote/<token>", methods=["GET", "POST"])
def quote_page(token: str) -> tuple[str, int]:
    session = db_session()
    french = gettext_for("fr")
    try:
        quote = quote_for_token(session, token, now())
    except DomainError as error:
        return render_template("billing/quote_gone.html", message=say(error, french)), 404
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
            return render_template("billing/quote_done.html", quote=quote, client=client), 200
        except DomainError as error:
            session.rollback()
            error_text = say(error, french)
    return render_template(
        "billing/quote_accept.html",
        quote=quote,
        total=euros(quote.monthly_estimate_cents),
        error=error_text,
        typed=request.form.get("name", ""),
    ), 422 if error_text else 200


@bp.route("/quote/<token>/devis.pdf")
def quote_pdf(token: str) -> Response | tuple[str, int]:
    try:
        quote = quote_for_token(db_session(), token, now())
    except DomainError as error:
        return render_template(
            "billing/quote_gone.html", message=say(error, gettext_for("fr"))
        ), 404
    return Response(
        quote.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{quote.number}.pdf"'},
    )
