"""The call log, with filters; every role sees the calls of the clients it may see."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, SelectField
from wtforms.validators import Optional

from desk.calls.log import CallFilters, search_calls
from desk.clients.access import visible_client_ids
from desk.clients.listing import client_menu, clients_by_id
from desk.models.calls import CALL_OUTCOMES
from desk.models.states import CallOutcome
from desk.people.secretaries import secretary_menu
from desk.request_context import db_session
from desk.web import bp
from desk.web.common import choices_with_all, int_or_none, log_cursor, log_links

OUTCOME_LABELS = {
    CallOutcome.IN_PROGRESS: _l("In progress"),
    CallOutcome.ANSWERED: _l("Answered"),
    CallOutcome.VOICEMAIL: _l("Voicemail"),
    CallOutcome.MISSED: _l("Missed"),
    CallOutcome.AFTER_HOURS: _l("After hours"),
    CallOutcome.NOT_IN_SERVICE: _l("Not in service"),
}


class CallFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = SearchField(_l("Search"), validators=[Optional()])
    client = SelectField(_l("Client"), validators=[Optional()])
    secretary = SelectField(_l("Secretary"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), validators=[Optional()])
    day_from = DateField(_l("From"), validators=[Optional()])
    day_to = DateField(_l("To"), validators=[Optional()])


@bp.get("/calls/")
@login_required
def calls() -> ResponseReturnValue:
    session = db_session()
    form = CallFilterForm(request.args)
    menu = client_menu(
        session,
        current_user,
        request.args.get("client_q", ""),
        int_or_none(request.args.get("client")),
    )
    form.client.choices = choices_with_all((str(c.id), c.name) for c in menu)
    secretaries = secretary_menu(
        session,
        visible_client_ids(current_user),
        request.args.get("secretary_q", ""),
        int_or_none(request.args.get("secretary")),
    )
    form.secretary.choices = choices_with_all((str(s.id), s.name) for s in secretaries)
    form.outcome.choices = choices_with_all((o, OUTCOME_LABELS[o]) for o in CALL_OUTCOMES)
    valid = form.validate()
    filters = CallFilters(
        client_id=int_or_none(form.client.data),
        secretary_id=int_or_none(form.secretary.data),
        outcome=form.outcome.data or None,
        day_from=form.day_from.data if valid else None,
        day_to=form.day_to.data if valid else None,
        text=(form.q.data or "")[:100],
    )
    page = search_calls(session, current_user, filters, log_cursor())
    names = clients_by_id(session, current_user, (row.call.client_id for row in page.rows))
    return render_template(
        "desk/calls.html",
        form=form,
        rows=page.rows,
        links=log_links(page),
        clients=names,
        outcomes=OUTCOME_LABELS,
    )
