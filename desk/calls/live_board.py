"""En direct: every secretary's state with its duration, every caller held per client
with her wait. Admins see the whole desk; a secretary sees the clients she serves and the
secretaries trained for them. No Flask; reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.calls import presence
from desk.calls.queue import HELD
from desk.clients.access import visible_client_ids
from desk.models import Call, Client, Presence, Secretary, Training, User, WaitingCall
from desk.models.states import PresenceState


@dataclass(frozen=True)
class SecretaryNow:
    secretary_id: int
    name: str
    state: PresenceState
    since: datetime | None
    seconds: int | None  # in this state for


@dataclass(frozen=True)
class HeldNow:
    client_id: int
    client_name: str
    caller: str
    since: datetime
    seconds: int
    offered: bool


@dataclass(frozen=True)
class LiveBoard:
    at: datetime
    secretaries: list[SecretaryNow]
    held: list[HeldNow]  # longest waiting first
    # Seconds until a state changes by itself (a wrap-up ending), if one will.
    next_change_seconds: int | None = None


def _seconds(since: datetime | None, at: datetime) -> int | None:
    return None if since is None else max(0, int((at - since).total_seconds()))


def live_board(session: Session, user: User, at: datetime) -> LiveBoard:
    clients = visible_client_ids(user)
    people = select(Secretary, Presence).outerjoin(Presence, Presence.secretary_id == Secretary.id)
    people = people.where(Secretary.active.is_(True)).order_by(Secretary.name, Secretary.id)
    if user.role != "admin":
        trained = select(Training.secretary_id).where(Training.client_id.in_(clients))
        people = people.where(Secretary.id.in_(trained))
    secretaries = []
    wrap_ups_end: list[datetime] = []
    for secretary, row in session.execute(people):
        state = presence.effective_state(row, at)
        since = None
        if row is not None:
            since = row.until if state != row.state else row.since
            if state == PresenceState.WRAPPING_UP and row.until is not None:
                wrap_ups_end.append(row.until)
        secretaries.append(
            SecretaryNow(secretary.id, secretary.name, state, since, _seconds(since, at))
        )
    held_rows = session.execute(
        select(WaitingCall, Client.name, Call.caller)
        .join(Client, Client.id == WaitingCall.client_id)
        .join(Call, Call.id == WaitingCall.call_id)
        .where(WaitingCall.state.in_(HELD), WaitingCall.client_id.in_(clients))
        .order_by(WaitingCall.since, WaitingCall.id)
    )
    held = [
        HeldNow(
            w.client_id, name, caller, w.since, _seconds(w.since, at) or 0, w.state == "offered"
        )
        for w, name, caller in held_rows
    ]
    next_change = _seconds(at, min(wrap_ups_end)) if wrap_ups_end else None
    return LiveBoard(at, secretaries, held, next_change)
