"""Reports API: the API key's client's activity (docs/activity.md) and Erlang C staffing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Response, g, jsonify, request
from sqlalchemy.orm import Session

from desk.api import bp
from desk.api.appointments import api_key_required
from desk.api.openapi import DOCUMENT, ERRORS, _json, _ref
from desk.base.errors import DomainError, NotFound
from desk.models import Client
from desk.reports.erlang import staffing
from desk.reports.periods import client_activity
from desk.request_context import db_session


def _date(name: str) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        raise DomainError("report_date", name) from None


def _number(name: str, default: float | None = None) -> float:
    raw = request.args.get(name)
    if raw is None and default is not None:
        return default
    try:
        return float(raw or "")
    except ValueError:
        raise DomainError("report_number", name) from None


def _client(session: Session) -> Client:
    client = session.get(Client, g.api_client_id)
    if client is None:
        raise NotFound("not_found")
    return client


@bp.get("/reports/activity")
@api_key_required
def report_activity() -> Response:
    session = db_session()
    found = client_activity(session, _client(session), _date("from"), _date("to"))
    return jsonify(found.as_dict())


@bp.get("/reports/staffing")
@api_key_required
def report_staffing() -> Response:
    found = staffing(
        _number("calls_per_hour"), _number("aht"), _number("target", 0.8), _number("within", 20)
    )
    return jsonify(
        {
            "agents": found.agents,
            "service_level": found.service_level,
            "occupancy": found.occupancy,
            "traffic_erlangs": found.traffic,
            "wait_probability": found.wait_probability,
        }
    )


# --- OpenAPI (merged into the document served at /api/v1/openapi.json) ---

_DAY = {"type": "string", "format": "date"}
_NUM = {"type": ["number", "null"]}
_INT = {"type": "integer"}
_COUNTS = [
    "offered",
    "answered",
    "answered_first",
    "answered_pair",
    "answered_partner",
    "abandoned",
    "voicemails",
    "after_hours",
    "messages_taken",
    "appointments_booked",
    "held",
    "abandoned_waiting",
    "callbacks_asked",
    "callbacks_done",
]
_RATES = [
    "answer_rate",
    "median_wait_seconds",
    "p90_wait_seconds",
    "partner_share",
    "handling_seconds",
    "queue_wait_p50_seconds",
    "queue_wait_p90_seconds",
    "human_p50_seconds",
    "human_p90_seconds",
]


def _query(name: str, schema: Mapping[str, object], required: bool, text: str) -> dict[str, object]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": text,
    }


PATHS = {
    "/reports/activity": {
        "get": {
            "summary": "The API key's client's activity over local days from..to (both "
            "included); every measure is defined in docs/activity.md",
            "parameters": [
                _query("from", _DAY, True, "first local day, YYYY-MM-DD"),
                _query("to", _DAY, True, "last local day, YYYY-MM-DD (at most 400 days)"),
            ],
            "responses": {
                "200": _json(_ref("Activity"), "Measures and chart series"),
                **ERRORS,
            },
        }
    },
    "/reports/staffing": {
        "get": {
            "summary": "Secretaries needed (Erlang C) for a traffic and a service target",
            "parameters": [
                _query("calls_per_hour", {"type": "number", "minimum": 0}, True, "calls an hour"),
                _query("aht", {"type": "number", "exclusiveMinimum": 0}, True, "seconds"),
                _query("target", {"type": "number", "default": 0.8}, False, "share, 0-1"),
                _query("within", {"type": "number", "default": 20}, False, "seconds"),
            ],
            "responses": {
                "200": _json(_ref("Staffing"), "Agents, service level, occupancy"),
                **ERRORS,
            },
        }
    },
}
SCHEMAS = {
    "Staffing": {
        "type": "object",
        "properties": {
            "agents": _INT,
            "service_level": {"type": "number"},
            "occupancy": {"type": "number"},
            "traffic_erlangs": {"type": "number"},
            "wait_probability": {"type": "number"},
        },
    },
    "Activity": {
        "type": "object",
        "properties": {
            "first": _DAY,
            "last": _DAY,
            "timezone": {"type": "string"},
            "measures": {
                "type": "object",
                "properties": {
                    **{k: _INT for k in _COUNTS},
                    **{k: _NUM for k in _RATES},
                    "busiest_hours": {"type": "array", "items": _INT},
                },
            },
            "heatmap": {
                "type": "array",
                "description": "calls per local weekday (Monday first) and hour",
                "items": {"type": "array", "items": _INT},
            },
            "weekly": {"type": "array", "items": {"type": "object"}},
            "wait_distribution": {"type": "array", "items": {"type": "object"}},
            "secretaries": {"type": "array", "items": {"type": "object"}},
        },
    },
}
DOCUMENT["paths"].update(PATHS)
DOCUMENT["components"]["schemas"].update(SCHEMAS)
