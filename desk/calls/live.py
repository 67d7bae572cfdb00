"""The call a secretary has just accepted: what the Now page pops the fiche for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Call, CallAttempt
from desk.models.states import AttemptOutcome

# A call accepted longer ago than this is no longer "the call in progress" for the page,
# even if Twilio's final status callback has not arrived (it can be late or lost).
RECENT = timedelta(minutes=30)


@dataclass(frozen=True)
class LiveCall:
    call_id: int
    client_id: int
    caller: str
    accepted_at: datetime


def accepted_call(session: Session, secretary_id: int, at: datetime) -> LiveCall | None:
    """The newest call `secretary_id` accepted within RECENT of `at`, still open.

    The only "which call did she just take" query (the Now page pops its fiche); it
    reads the index on (secretary_id, accepted_at).
    """
    row = session.execute(
        select(Call.id, Call.client_id, Call.caller, CallAttempt.accepted_at)
        .join(CallAttempt, CallAttempt.call_id == Call.id)
        .where(
            CallAttempt.secretary_id == secretary_id,
            CallAttempt.outcome == AttemptOutcome.ACCEPTED,
            CallAttempt.accepted_at >= at - RECENT,
            Call.ended_at.is_(None),
            Call.client_id.is_not(None),
        )
        .order_by(CallAttempt.accepted_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    call_id, client_id, caller, accepted_at = row
    assert client_id is not None and accepted_at is not None  # filtered above
    return LiveCall(call_id, client_id, caller, accepted_at)
