"""Personal data (admin): find everything about a caller or patient, export it, erase it;
and the audit trail of who changed what."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from desk.base.errors import DomainError
from desk.base.words import say
from desk.privacy import audit_log
from desk.privacy import subject as domain
from desk.request_context import db_session, now
from desk.web import bp
from desk.web.common import admin_required
from desk.web.people_forms import ActionForm

AUDIT_PAGE = 200


def _find(query: str) -> tuple[domain.Subject | None, str | None]:
    if not query.strip():
        return None, None
    try:
        return domain.find(db_session(), query), None
    except DomainError as exc:
        return None, say(exc, _)


@bp.get("/privacy/")
@admin_required
def privacy() -> ResponseReturnValue:
    query = request.args.get("q", "")
    found, error = _find(query)
    status = 400 if error else 200
    return (
        render_template(
            "desk/privacy.html", q=query, found=found, error=error, action_form=ActionForm()
        ),
        status,
    )


@bp.get("/privacy/export")
@admin_required
def privacy_export() -> ResponseReturnValue:
    found = _find(request.args.get("q", ""))[0]
    if found is None:
        abort(400)
    body = json.dumps(domain.export(found), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="donnees-personnelles.json"'},
    )


@bp.post("/privacy/erase")
@admin_required
def privacy_erase() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit() or request.form.get("confirm") != "y":
        abort(400)
    query = request.form.get("q", "")
    found = _find(query)[0]
    if found is None:
        abort(400)
    counts = domain.erase(db_session(), found, now(), f"user:{current_user.id}")
    db_session().commit()
    flash(_("Erased: %(n)d rows anonymised; the counts stay.", n=sum(counts.values())))
    return redirect(url_for("desk.privacy"))


@bp.get("/privacy/audit")
@admin_required
def audit() -> ResponseReturnValue:
    events, names = audit_log.recent_events(db_session(), AUDIT_PAGE)
    return render_template("desk/audit.html", events=events, names=names)
