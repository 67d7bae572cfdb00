"""The OpenAPI 3.1 document of the API, served at /api/v1/openapi.json (no key needed)."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from desk.api import bp
from desk.models.states import AppointmentStatus


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


PROBLEM = {
    "description": "Problem",
    "content": {"application/problem+json": {"schema": _ref("Problem")}},
}
ERRORS = {"401": PROBLEM, "404": PROBLEM, "422": PROBLEM}
ID = {"name": "appointment_id", "in": "path", "required": True, "schema": {"type": "integer"}}
FROM = {
    "name": "from",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "format": "date-time"},
}
TO = {
    "name": "to",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "format": "date-time"},
}
DT = {"type": "string", "format": "date-time"}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Permanence appointments API",
        "version": "1",
        "description": "Availability and appointments of one client (the API key's). "
        "Times are ISO 8601 with an offset. Errors are problem objects (RFC 9457) "
        "with the input `field` at fault: 409 for a slot just taken (with `next_slots`), "
        "422 for bad input.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"apiKey": []}],
    "paths": {
        "/availability": {
            "get": {
                "summary": "Free slots of a practitioner for an appointment type",
                "parameters": [
                    {
                        "name": "practitioner_id",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "type_id",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    FROM,
                    TO,
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"slots": {"type": "array", "items": _ref("Slot")}},
                        },
                        "Slots in order",
                    ),
                    **ERRORS,
                },
            }
        },
        "/appointments": {
            "get": {
                "summary": "Appointments starting in [from, to), cancelled ones included",
                "parameters": [
                    FROM,
                    TO,
                    {"name": "practitioner_id", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "appointments": {"type": "array", "items": _ref("Appointment")}
                            },
                        },
                        "Appointments",
                    ),
                    **ERRORS,
                },
            },
            "post": {
                "summary": "Book a free slot",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("NewAppointment")}},
                },
                "responses": {
                    "201": _json(_ref("Appointment"), "Booked"),
                    "409": PROBLEM,
                    **ERRORS,
                },
            },
        },
        "/appointments/{appointment_id}": {
            "get": {
                "summary": "One appointment",
                "parameters": [ID],
                "responses": {"200": _json(_ref("Appointment"), "The appointment"), **ERRORS},
            }
        },
        "/appointments/{appointment_id}/reschedule": {
            "post": {
                "summary": "Move to another free slot (same uid, sequence + 1)",
                "parameters": [ID],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["starts_at"],
                                "properties": {"starts_at": DT},
                            }
                        }
                    },
                },
                "responses": {"200": _json(_ref("Appointment"), "Moved"), "409": PROBLEM, **ERRORS},
            }
        },
        "/appointments/{appointment_id}/cancel": {
            "post": {
                "summary": "Cancel (harmless to repeat)",
                "parameters": [ID],
                "responses": {"200": _json(_ref("Appointment"), "Cancelled"), **ERRORS},
            }
        },
    },
    "components": {
        "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Slot": {"type": "object", "properties": {"starts_at": DT, "ends_at": DT}},
            "NewAppointment": {
                "type": "object",
                "required": ["practitioner_id", "type_id", "starts_at", "patient_name"],
                "properties": {
                    "practitioner_id": {"type": "integer"},
                    "type_id": {"type": "integer"},
                    "starts_at": DT,
                    "patient_name": {"type": "string", "maxLength": 200},
                    "patient_phone": {"type": ["string", "null"]},
                    "notes": {"type": "string"},
                },
            },
            "Appointment": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "uid": {"type": "string"},
                    "practitioner_id": {"type": "integer"},
                    "type_id": {"type": "integer"},
                    "starts_at": DT,
                    "ends_at": DT,
                    "patient_name": {"type": "string"},
                    "patient_phone": {"type": ["string", "null"]},
                    "notes": {"type": "string"},
                    "status": {"type": "string", "enum": list(AppointmentStatus)},
                    "sequence": {"type": "integer"},
                    "updated_at": DT,
                },
            },
            "Problem": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                    "next_slots": {"type": "array", "items": _ref("Slot")},
                },
            },
        },
    },
}


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(DOCUMENT)
