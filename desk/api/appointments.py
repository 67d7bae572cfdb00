"""Appointments API: availability, create, read, list by range, reschedule, cancel.

Handlers only parse input, call one domain function and render JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, g, jsonify, request
from sqlalchemy import select

from desk.api import bp
from desk.api.problems import code_detail, problem
from desk.api.serialize import appointment_json as _appointment
from desk.api.serialize import slot_json as _slot
from desk.base.errors import DomainError
from desk.base.parse import INT32_MAX, int_in_range
from desk.models import Appointment
from desk.request_context import db_session, now, settings
from scheduling.availability import availability
from scheduling.booking import book, cancel, get_appointment, reschedule
from scheduling.tokens import client_for_api_key

F = TypeVar("F", bound=Callable[..., Any])
# Years an appointment may fall in; beyond, arithmetic on the date overflows.
EARLIEST, LATEST = 1970, 2200
ID = f"int(max={INT32_MAX})"  # a larger id in a URL is a 404, not a database error


def api_key_required(view: F) -> F:
    """`Authorization: Bearer <key>` (or `X-API-Key`); sets g.api_client_id."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        key = header[7:].strip() if header.lower().startswith("bearer ") else ""
        key = key or request.headers.get("X-API-Key", "")
        client_id = client_for_api_key(db_session(), key) if key else None
        if client_id is None:
            response = problem(401, code_detail("api_key_missing"))
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        g.api_client_id = client_id
        return view(*args, **kwargs)

    return cast(F, wrapped)


def _when(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise DomainError("api_datetime_expected", field)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DomainError("api_datetime_invalid", field) from None
    if parsed.tzinfo is None:
        raise DomainError("api_datetime_needs_zone", field)
    try:
        # 9999-12-31T23:45-14:00 is year 10000 in UTC: Python cannot even convert it.
        in_utc = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        raise DomainError("date_out_of_range", field) from None
    if not EARLIEST <= in_utc.year <= LATEST:
        raise DomainError("date_out_of_range", field)
    return parsed


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DomainError("api_integer_expected", field)
    number = int_in_range(value, low=-INT32_MAX)
    if number is None:
        # Not ASCII digits ("²"), or beyond the columns' 32-bit range.
        raise DomainError("integer_out_of_range", field, high=INT32_MAX)
    return number


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("api_json_object_expected", None)
    return data


def _actor() -> str:
    return f"api:client:{g.api_client_id}"


@bp.get("/availability")
@api_key_required
def get_availability() -> Response:
    args = request.args
    slots = availability(
        db_session(),
        client_id=g.api_client_id,
        practitioner_id=_int(args.get("practitioner_id"), "practitioner_id"),
        type_id=_int(args.get("type_id"), "type_id"),
        start=_when(args.get("from"), "from"),
        end=_when(args.get("to"), "to"),
        now=now(),
    )
    return jsonify({"slots": [_slot(s) for s in slots]})


@bp.post("/appointments")
@api_key_required
def create_appointment() -> tuple[Response, int]:
    data = _body()
    session = db_session()
    name = data.get("patient_name")
    phone = data.get("patient_phone")
    notes = data.get("notes", "")
    if not isinstance(name, str):
        raise DomainError("api_patient_name_expected", "patient_name")
    if phone is not None and not isinstance(phone, str):
        raise DomainError("api_phone_text_expected", "patient_phone")
    if not isinstance(notes, str):
        raise DomainError("api_text_expected", "notes")
    appt = book(
        session,
        client_id=g.api_client_id,
        practitioner_id=_int(data.get("practitioner_id"), "practitioner_id"),
        type_id=_int(data.get("type_id"), "type_id"),
        starts_at=_when(data.get("starts_at"), "starts_at"),
        patient_name=name,
        patient_phone=phone,
        notes=notes,
        now=now(),
        actor=_actor(),
        source="api",
        public_base_url=settings()["server.public_base_url"],
    )
    session.commit()
    return jsonify(_appointment(appt)), 201


@bp.get("/appointments")
@api_key_required
def list_appointments() -> Response:
    start = _when(request.args.get("from"), "from")
    end = _when(request.args.get("to"), "to")
    query = (
        select(Appointment)
        .where(
            Appointment.client_id == g.api_client_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(1000)
    )
    if "practitioner_id" in request.args:
        query = query.where(
            Appointment.practitioner_id == _int(request.args["practitioner_id"], "practitioner_id")
        )
    rows = db_session().scalars(query)
    return jsonify({"appointments": [_appointment(a) for a in rows]})


@bp.get(f"/appointments/<{ID}:appointment_id>")
@api_key_required
def read_appointment(appointment_id: int) -> Response:
    return jsonify(_appointment(get_appointment(db_session(), appointment_id, g.api_client_id)))


@bp.post(f"/appointments/<{ID}:appointment_id>/reschedule")
@api_key_required
def reschedule_appointment(appointment_id: int) -> Response:
    data = _body()
    session = db_session()
    appt = reschedule(
        session,
        appointment_id,
        starts_at=_when(data.get("starts_at"), "starts_at"),
        now=now(),
        client_id=g.api_client_id,
        actor=_actor(),
        expected_version=_expected_version(data),
    )
    session.commit()
    return jsonify(_appointment(appt))


def _expected_version(data: dict[str, Any]) -> int | None:
    """The version the client last saw: `version` in the body, or an `If-Match` header."""
    raw = data.get("version")
    if raw is None and request.headers.get("If-Match"):
        raw = request.headers["If-Match"].strip().strip('"').removeprefix("W/").strip('"')
    return None if raw is None else _int(raw, "version")


@bp.post(f"/appointments/<{ID}:appointment_id>/cancel")
@api_key_required
def cancel_appointment(appointment_id: int) -> Response:
    session = db_session()
    appt = cancel(session, appointment_id, now=now(), client_id=g.api_client_id, actor=_actor())
    session.commit()
    return jsonify(_appointment(appt))
