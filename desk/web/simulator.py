"""Simulator: place a demo call to a client's desk number from the browser.

The server plays Twilio against its own webhooks (signed requests, see desk.calls.simulation)
and shows each step as people read it: the greeting, who rings, the voicemail.
"""

from __future__ import annotations

import contextvars
import functools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from desk.base.errors import DomainError
from desk.base.words import say
from desk.calls.simulation import (
    SimulationError,
    Simulator,
    Transport,
    hang_up_call,
    new_sid,
    run_call,
)
from desk.clients.access import visible_calls_query
from desk.clients.listing import client_menu
from desk.models import Call
from desk.models.states import CallOutcome
from desk.request_context import db_session, settings
from desk.setup.training import may_simulate, set_training_mode, training_mode
from desk.web import bp
from desk.web.common import F, admin_required, apply_form
from desk.web.simulator_forms import (
    HangUpForm,
    RushForm,
    SimulatorForm,
    TrainingForm,
    client_of_slug,
    desk_numbers,
    number_client,
    readable_steps,
)


def simulator_required(view: F) -> F:
    """Admins; secretaries only while an admin has the desk in training mode (403)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not may_simulate(db_session(), current_user.role):
            abort(403)
        return view(*args, **kwargs)

    return login_required(wrapper)


def page(
    form: SimulatorForm, status: int = 200, rush: RushForm | None = None, **context: Any
) -> ResponseReturnValue:
    """The page: the call form, and for admins the training switch and the rush form."""
    training = None
    if current_user.role == "admin":
        training = TrainingForm(on=training_mode(db_session()))
        rush = rush or rush_form()
    html = render_template(
        "desk/simulator.html", form=form, training=training, rush=rush, **context
    )
    return html, status


def through(app: Flask) -> Transport:
    """Post to `app` itself. Each webhook runs in a fresh context, so it gets its own
    app context and database session, as a request from Twilio would."""
    client = app.test_client()

    def send(path: str, data: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        def post() -> tuple[int, str]:
            response = client.post(path, data=data, headers=headers)
            return response.status_code, response.get_data(as_text=True)

        return contextvars.Context().run(post)

    return send


def _simulator(at: datetime | None = None) -> Simulator:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return Simulator(
        settings()["server.public_base_url"], settings()["twilio.auth_token"], through(app), at
    )


def call_form() -> SimulatorForm:
    """The form; its number menu lists the numbers of the clients a search finds
    (`client_q`, 30 at most), the client of the number posted kept in it."""
    form = SimulatorForm()
    posted = request.form.get("number") if request.method == "POST" else None
    selected = number_client(db_session(), posted) if posted else None
    menu = client_menu(db_session(), current_user, request.args.get("client_q", ""), selected)
    form.number.choices = desk_numbers(db_session(), menu)
    return form


def rush_form() -> RushForm:
    """The rush form; its client menu lists the clients a search finds (`client_q`),
    the client posted kept in it."""
    form = RushForm()
    posted = request.form.get("client") if request.method == "POST" else None
    selected = client_of_slug(db_session(), posted) if posted else None
    menu = client_menu(db_session(), current_user, request.args.get("client_q", ""), selected)
    form.client.choices = [(c.slug, c.name) for c in menu]
    return form


@bp.route("/simulator", methods=["GET", "POST"])
@simulator_required
def simulator() -> ResponseReturnValue:
    form = call_form()
    if not form.validate_on_submit():
        return page(form, 400 if form.errors else 200)
    at = form.at.data.replace(tzinfo=ZoneInfo("Europe/Paris")) if form.at.data else None
    sim = _simulator(at)
    # Release this request's own read transaction: the webhooks write (SQLite locks).
    db_session().commit()
    call_sid = new_sid("CA")
    try:
        outcome = run_call(
            sim,
            form.number.data,
            form.caller.data,
            form.answers(),
            hang_up=False,
            call_sid=call_sid,
        )
    except DomainError as exc:  # a number that is not one
        form.number.errors.append(say(exc, gettext))
        return page(form, 400)
    except SimulationError as exc:
        form.number.errors.append(str(exc))
        return page(form, 400)
    hang_up = HangUpForm(call_sid=call_sid, to=form.number.data, caller=form.caller.data)
    return page(
        form,
        steps=readable_steps(db_session(), sim.steps),
        outcome=outcome,
        hang_up=hang_up if outcome == CallOutcome.ANSWERED else None,
    )


@bp.post("/simulator/hang-up")
@simulator_required
def simulator_hang_up() -> ResponseReturnValue:
    form = call_form()
    hang_up = HangUpForm()
    if not hang_up.validate_on_submit():
        return page(form, 400)
    visible = visible_calls_query(current_user).where(Call.call_sid == hang_up.call_sid.data)
    if db_session().scalar(visible) is None:
        abort(404)
    sim = _simulator()
    db_session().commit()
    hang_up_call(sim, hang_up.call_sid.data, hang_up.to.data, hang_up.caller.data)
    return page(form, steps=readable_steps(db_session(), sim.steps), outcome="hung up")


@bp.post("/simulator/training")
@admin_required
def simulator_training() -> ResponseReturnValue:
    """An admin lets secretaries use the Simulator (training mode), or stops it."""
    training = TrainingForm()
    on = bool(training.on.data)
    done = (
        _("Training mode on: secretaries may use the Simulator.")
        if on
        else _("Training mode off: only admins may use the Simulator.")
    )
    actor = f"user:{current_user.id}"
    if apply_form(training, lambda: set_training_mode(db_session(), on, actor=actor), done):
        return redirect(url_for("desk.simulator"))
    return page(call_form(), 400)


@bp.app_context_processor
def _simulator_open() -> dict[str, object]:
    # A function: only the menu of a secretary's page asks (one small read).
    return {"simulator_open": lambda: training_mode(db_session())}
