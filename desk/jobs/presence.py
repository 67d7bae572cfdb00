"""The presence sweep: legs whose end was never reported (`desk.calls.sweep`).

Read the open legs in one short unit, ask Twilio about each outside any transaction
(network I/O must not hold SQLite's write lock), then release each in a unit of its own.
"""

from __future__ import annotations

from datetime import timedelta

from desk.base.db import begin_immediate
from desk.calls import sweep as legs
from desk.calls.voice_api import voice_api
from desk.jobs import JobContext
from desk.models.states import PresenceState

# With Twilio, a call answered this long ago is asked about at each sweep.
ASK_AFTER_SECONDS = 600
# A ring is asked about (or released) this long after the ring timeout and screening.
SCREEN_SECONDS = 6


def sweep(context: JobContext) -> dict[str, int]:
    settings = context.settings
    now = context.clock()
    api = voice_api(settings)
    max_call = timedelta(minutes=settings["presence.max_call_minutes"])
    ring_seconds = settings["twilio.ring_timeout"] + SCREEN_SECONDS
    ask_after = ASK_AFTER_SECONDS if api is not None else int(max_call.total_seconds())
    with context.db.session() as session:
        found = legs.open_legs(session, now, ring_seconds, ask_after)
    released = 0
    for leg in found:
        ended_at = None
        unanswered_ring = leg.state == PresenceState.RINGING and leg.leg_sid is None
        if unanswered_ring:
            ended_at = now  # nobody picked up: the <Dial timeout> is long past
        elif api is not None:
            status = api.leg_status(leg.leg_sid or leg.call_sid)
            if status is not None and status.ended:
                ended_at = min(status.ended_at or now, now)
        if ended_at is None and leg.since <= now - max_call:
            ended_at = now
        if ended_at is None:
            continue
        with context.db.session() as session:
            begin_immediate(session)
            legs.release(session, leg.attempt_id, ended_at, settings["presence.wrap_up_seconds"])
        released += 1
    return {"open": len(found), "released": released}
