"""Offers to the network (see `desk.offers`): every minute, expire the offers whose
mission started, close those whose mission shift was removed (she is told) and send the
waves that are due; every hour, offer the gaps of the clients set to it."""

from __future__ import annotations

from desk.jobs import JobContext
from desk.models.audit_trail import set_actor
from desk.offers.auto import offer_gaps_ahead
from desk.offers.closing import expire, settle_removed_shifts
from desk.offers.sending import send_due


def waves(context: JobContext) -> dict[str, int]:
    now = context.clock()
    with context.db.session() as session:
        expired = expire(session, now)
        closed = settle_removed_shifts(session, now)
        sent = send_due(session, now, context.settings["server.public_base_url"])
    return {"expired": expired, "closed": closed, "sent": sent}


def auto(context: JobContext) -> dict[str, int]:
    now = context.clock()
    with context.db.session() as session:
        set_actor(session, "scheduler")
        offered = offer_gaps_ahead(session, now)
        sent = send_due(session, now, context.settings["server.public_base_url"])
    return {"offered": offered, "sent": sent}
