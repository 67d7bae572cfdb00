"""Book: client → practitioner and type → a week's free slots → patient → confirm.

Booking goes through `scheduling.booking.book`, the function the API uses, so the
patient's confirmation SMS and the audit trail are the same. A slot taken meanwhile
re-renders the page with the next free slots (409), never an error page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from desk.base.errors import DomainError, NotFound
from desk.clients.access import call_for, visible_clients
from desk.clients.listing import client_menu
from desk.clients.practice import active_appointment_types
from desk.models import Appointment, AppointmentType, Client, Practitioner
from desk.models.states import AppointmentStatus
from desk.request_context import db_session, now, settings
from desk.web import bp
from desk.web.book_forms import BookForm, CancelForm, FindForm, RescheduleForm, SlotQueryForm
from desk.web.common import error_to_form, int_or_none, staff_required, visible_client
from scheduling import booking, change_notices
from scheduling.appointment_search import find_appointments
from scheduling.availability import Slot
from scheduling.booking import SlotTaken
from scheduling.week_view import monday_of, week_slots


def _week(value: object, client: Client | None) -> date:
    if isinstance(value, date):
        return monday_of(value)
    try:
        return monday_of(date.fromisoformat(str(value)))
    except ValueError:
        tz = ZoneInfo(client.timezone if client else "Europe/Paris")
        return monday_of(now().astimezone(tz).date())


def _days(slots: list[Slot], tz: str) -> list[tuple[date, list[Slot]]]:
    """Slots grouped by local day, for the radio groups."""
    zone = ZoneInfo(tz)
    return [
        (day, list(group))
        for day, group in groupby(slots, lambda s: s.starts_at.astimezone(zone).date())
    ]


def _choices(client: Client) -> tuple[list[Practitioner], list[AppointmentType]]:
    practitioners = [p for p in client.practitioners if p.active]
    return practitioners, active_appointment_types(db_session(), client)


def _slot_page(
    query: SlotQueryForm, form: BookForm, slots: list[Slot] | None, taken: bool = False
) -> str:
    """The page: the choice of week, then (when all is chosen) the slots and the patient.
    The client menu searches (`client_q`) rather than listing every client; the one
    chosen stays in it, and a menu of one client (or one found) chooses it."""
    selected = int_or_none(query.client_id.data)
    menu = client_menu(db_session(), current_user, request.args.get("client_q", ""), selected)
    client = next((c for c in menu if c.id == selected), None)
    if client is None and len(menu) == 1:
        client, query.client_id.data = menu[0], str(menu[0].id)
    choices = [SelectChoice(str(c.id), c.name) for c in menu]
    if client is None:  # a search must not choose the first client of the menu for her
        choices.insert(0, SelectChoice("", _("Choose a client")))
    query.client_id.choices = choices
    practitioners, types = _choices(client) if client else ([], [])
    query.practitioner_id.choices = [SelectChoice(str(p.id), p.name) for p in practitioners]
    query.type_id.choices = [
        SelectChoice(str(t.id), f"{t.name} ({t.duration_minutes} min)") for t in types
    ]
    tz = client.timezone if client else "Europe/Paris"
    form.starts_at.choices = [(s.starts_at.isoformat(), "") for s in slots or []]
    week = query.week.data if isinstance(query.week.data, date) else _week(None, client)
    return render_template(
        "desk/book.html",
        prev_week=(week - timedelta(days=7)).isoformat(),
        next_week=(week + timedelta(days=7)).isoformat(),
        query=query,
        form=form,
        client=client,
        days=_days(slots, tz) if slots is not None else None,
        tz=tz,
        taken=taken,
    )


@bp.get("/book")
@staff_required
def book() -> ResponseReturnValue:
    session = db_session()
    args = request.args.to_dict()
    call_id = int_or_none(args.get("call_id") or args.get("call"))
    phone = args.get("phone", "")
    if call_id is not None:  # opened from the Now page during a call
        try:
            call = call_for(session, current_user, call_id)
        except NotFound:
            abort(404)
        args.setdefault("client_id", str(call.client_id or ""))
        phone = phone or call.caller or ""
    query = SlotQueryForm(data=args)
    client_id = int_or_none(query.client_id.data)
    client = visible_client(client_id) if client_id is not None else None
    week = _week(args.get("week"), client)
    query.week.data = week
    form = BookForm(
        data={
            "client_id": client_id or "",
            "practitioner_id": query.practitioner_id.data or "",
            "type_id": query.type_id.data or "",
            "week": week.isoformat(),
            "call_id": call_id or "",
            "patient_phone": phone,
            # A click on an empty slot of the calendar chooses it here.
            "starts_at": args.get("starts_at", ""),
        }
    )
    slots = None
    practitioner_id = int_or_none(query.practitioner_id.data)
    type_id = int_or_none(query.type_id.data)
    if client is not None and practitioner_id and type_id:
        try:
            slots = week_slots(session, client, practitioner_id, type_id, week, now())
        except NotFound:  # the practitioner or type of the client chosen before: choose again
            query.practitioner_id.data = query.type_id.data = None
        except DomainError as exc:  # a type this practitioner does not offer, or no longer
            error_to_form(query, exc, "type_id")
    return _slot_page(query, form, slots)


@bp.post("/book")
@staff_required
def book_confirm() -> ResponseReturnValue:
    session = db_session()
    form = BookForm()
    client_id = int_or_none(form.client_id.data)
    if client_id is None:
        abort(400)
    client = visible_client(client_id)
    call_id = int_or_none(form.call_id.data)
    if call_id is not None:
        try:
            call_for(session, current_user, call_id)
        except NotFound:
            abort(404)
    query = SlotQueryForm(data={**form.data, "week": _week(form.week.data, client)})
    practitioner_id = int_or_none(form.practitioner_id.data)
    type_id = int_or_none(form.type_id.data)
    if practitioner_id is None or type_id is None:
        abort(400)
    if form.validate_on_submit():
        try:
            appt = booking.book(
                session,
                client_id=client.id,
                practitioner_id=practitioner_id,
                type_id=type_id,
                starts_at=datetime.fromisoformat(form.starts_at.data),
                patient_name=form.patient_name.data,
                patient_phone=form.patient_phone.data,
                notes=form.notes.data or "",
                now=now(),
                actor=f"user:{current_user.id}",
                source="desk",
                booked_by_id=current_user.id,
                call_id=call_id,
                public_base_url=settings()["server.public_base_url"],
            )
        except SlotTaken as exc:
            session.rollback()
            form.starts_at.errors = [_("This slot has just been taken. Choose another one.")]
            return _slot_page(query, form, exc.next_slots, taken=True), 409
        except NotFound:
            abort(404)
        except DomainError as exc:
            session.rollback()
            error_to_form(form, exc, "starts_at")
        except ValueError:
            form.starts_at.errors = [_("Choose a slot.")]
        else:
            session.commit()
            flash(_("The appointment is booked."))
            return redirect(url_for("desk.appointment", appointment_id=appt.id))
    try:
        slots = week_slots(session, client, practitioner_id, type_id, query.week.data, now())
    except NotFound:
        abort(404)
    return _slot_page(query, form, slots), 400


@bp.get("/book/find")
@staff_required
def book_find() -> ResponseReturnValue:
    form = FindForm(request.args)
    rows: list[Appointment] | None = None
    clients = {c.id: c for c in visible_clients(db_session(), current_user)}
    if "q" in request.args and form.validate():
        rows = find_appointments(db_session(), list(clients), form.q.data, now())
    return render_template("desk/book_find.html", form=form, rows=rows, clients=clients)


def _visible_appointment(appointment_id: int) -> tuple[Appointment, Client]:
    appt = db_session().get(Appointment, appointment_id)
    if appt is None:
        abort(404)
    return appt, visible_client(appt.client_id)


def _appointment_page(
    appt: Appointment,
    client: Client,
    form: RescheduleForm,
    slots: list[Slot],
    week: date,
    cancel_form: CancelForm | None = None,
) -> str:
    form.starts_at.choices = [(s.starts_at.isoformat(), "") for s in slots]
    return render_template(
        "desk/book_appointment.html",
        appt=appt,
        client=client,
        practitioner=db_session().get(Practitioner, appt.practitioner_id),
        appointment_type=db_session().get(AppointmentType, appt.type_id),
        cancel_form=cancel_form or CancelForm(),
        form=form,
        days=_days(slots, client.timezone),
        tz=client.timezone,
        week=week,
        prev_week=(week - timedelta(days=7)).isoformat(),
        next_week=(week + timedelta(days=7)).isoformat(),
    )


@bp.get("/book/<int:appointment_id>")
@staff_required
def appointment(appointment_id: int) -> ResponseReturnValue:
    appt, client = _visible_appointment(appointment_id)
    tz = ZoneInfo(client.timezone)
    week = _week(request.args.get("week") or appt.starts_at.astimezone(tz).date(), client)
    slots = []
    if appt.status == AppointmentStatus.BOOKED:
        slots = week_slots(db_session(), client, appt.practitioner_id, appt.type_id, week, now())
    return _appointment_page(appt, client, RescheduleForm(), slots, week)


@bp.post("/book/<int:appointment_id>/reschedule")
@staff_required
def appointment_reschedule(appointment_id: int) -> ResponseReturnValue:
    session = db_session()
    appt, client = _visible_appointment(appointment_id)
    form = RescheduleForm()
    week = _week(request.args.get("week"), client)
    if form.validate_on_submit():
        try:
            change_notices.move_by_desk(
                session,
                appt.id,
                starts_at=datetime.fromisoformat(form.starts_at.data),
                now=now(),
                actor=f"user:{current_user.id}",
                public_base_url=settings()["server.public_base_url"],
            )
        except SlotTaken as exc:
            session.rollback()
            form.starts_at.errors = [_("This slot has just been taken. Choose another one.")]
            appt, client = _visible_appointment(appointment_id)
            return _appointment_page(appt, client, form, exc.next_slots, week), 409
        except DomainError as exc:
            session.rollback()
            appt, client = _visible_appointment(appointment_id)
            error_to_form(form, exc, "starts_at")
        except ValueError:
            form.starts_at.errors = [_("Choose a slot.")]
        else:
            session.commit()
            flash(_("The appointment is moved."))
            return redirect(url_for("desk.appointment", appointment_id=appt.id))
    slots = week_slots(session, client, appt.practitioner_id, appt.type_id, week, now())
    return _appointment_page(appt, client, form, slots, week), 400


@bp.post("/book/<int:appointment_id>/cancel")
@staff_required
def appointment_cancel(appointment_id: int) -> ResponseReturnValue:
    appt, client = _visible_appointment(appointment_id)
    form = CancelForm()
    if not form.validate_on_submit():
        week = _week(None, client)
        return _appointment_page(appt, client, RescheduleForm(), [], week, form), 400
    change_notices.cancel_by_desk(
        db_session(),
        appt.id,
        now=now(),
        actor=f"user:{current_user.id}",
        reason=form.reason.data or "",
    )
    db_session().commit()
    flash(_("The appointment is cancelled."))
    return redirect(url_for("desk.appointment", appointment_id=appt.id))
