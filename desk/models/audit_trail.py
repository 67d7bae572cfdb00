"""Every change to the desk's settings writes one audit row: who, what, which fields.

A flush listener on every session does it, so no edit path can forget. Only the names of
the changed fields are kept, never their values: the trail must not become a second
copy of personal data that an erasure would miss.

Who: `session.info["actor"]` ("user:3", "cli", "import"), set by the web desk per request
and by the commands; "system" otherwise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from desk.models.clients import (
    AppointmentType,
    AppointmentTypePractitioner,
    Client,
    Closure,
    Contact,
    Contract,
    CoverageWindow,
    DeskNumber,
    OpeningHours,
    Practitioner,
)
from desk.models.desk_identity import DeskIdentity
from desk.models.people import Secretary, Training, User
from desk.models.rota import Absence, Override, Shift
from desk.models.system import AuditEvent

TRACKED: dict[type[Any], str] = {
    Client: "client",
    DeskNumber: "desk_number",
    CoverageWindow: "coverage_window",
    Closure: "closure",
    Contact: "contact",
    Practitioner: "practitioner",
    AppointmentType: "appointment_type",
    AppointmentTypePractitioner: "appointment_type_practitioner",
    OpeningHours: "opening_hours",
    Secretary: "secretary",
    Training: "training",
    User: "user",
    DeskIdentity: "desk_identity",
    Contract: "contract",
    Shift: "shift",
    Override: "override",
    Absence: "absence",
}
# Bookkeeping columns that change without anyone deciding anything.
QUIET = frozenset({"feed_version", "feed_changed_at"})


def set_actor(session: Session, actor: str, user_id: int | None = None) -> None:
    session.info["actor"] = actor
    session.info["actor_user_id"] = user_id


def _object_id(obj: Any) -> int | None:
    identity = inspect(obj).identity
    if identity and len(identity) == 1 and isinstance(identity[0], int):
        return int(identity[0])
    for name in ("client_id", "secretary_id", "practitioner_id"):
        value = getattr(obj, name, None)
        if isinstance(value, int):
            return value
    return None


def _changed(obj: Any) -> list[str]:
    state = inspect(obj)
    return sorted(
        attr.key
        for attr in state.mapper.column_attrs
        if attr.key not in QUIET and state.attrs[attr.key].history.has_changes()
    )


@event.listens_for(Session, "after_flush")
def _audit(session: Session, flush_context: UOWTransaction) -> None:
    rows: list[dict[str, Any]] = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            kind = TRACKED.get(type(obj))
            if kind is None:
                continue
            fields = _changed(obj) if action == "update" else []
            if action == "update" and not fields:
                continue
            rows.append(
                {
                    "actor": session.info.get("actor", "system"),
                    "user_id": session.info.get("actor_user_id"),
                    "action": f"{kind}.{action}",
                    "object_type": kind,
                    "object_id": _object_id(obj),
                    "detail": {"fields": fields} if fields else {},
                }
            )
    if rows:
        session.connection().execute(insert(AuditEvent), rows)
