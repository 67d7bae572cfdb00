"""The queue's dispatcher: a freed secretary is offered the longest-waiting caller she
may answer (`desk.calls.queue.offer_next`), and that caller's call is redirected to the
offer's TwiML through Twilio's REST API — outside any transaction (network I/O must not
hold SQLite's write lock). A redirect that fails frees her and puts the caller back.

With the console provider there is no REST API to move a held call: nothing is offered
and held callers go to voicemail after their client's maximum wait.
"""

from __future__ import annotations

from desk.base.db import begin_immediate
from desk.calls import queue
from desk.calls.voice_api import voice_api
from desk.jobs import JobContext

# Offers made per run at most (each costs one REST request).
MAX_OFFERS = 20
OFFER_PATH = "/webhooks/voice/queue-offer"


def dispatch(context: JobContext) -> dict[str, int]:
    api = voice_api(context.settings)
    if api is None:
        return {"offered": 0, "failed": 0}
    base = context.settings["server.public_base_url"]
    offered = failed = 0
    for _ in range(MAX_OFFERS):
        now = context.clock()
        with context.db.session() as session:
            begin_immediate(session)
            offer = queue.offer_next(session, now)
        if offer is None:
            break
        if api.redirect(offer.call_sid, f"{base}{OFFER_PATH}?attempt={offer.attempt_id}"):
            offered += 1
            continue
        failed += 1
        with context.db.session() as session:
            begin_immediate(session)
            queue.offer_failed(session, offer.attempt_id, context.clock())
    return {"offered": offered, "failed": failed}
