"""The desk's SMS inbox: inbound SMS no client can be said to own (sent to the desk's own
number by a stranger, or by a contact of several clients), waiting for a secretary to
assign them. Never guessed (issue 26): a medical message must not reach the wrong
practice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk.base.errors import Conflict, NotFound
from desk.messages.inbound_sms import OPT_IN_WORDS, OPT_OUT_WORDS, keyword_of
from desk.models import InboundSms, Message
from desk.models.states import MessageSource

INBOX_SIZE = 50


def waiting(session: Session, limit: int = INBOX_SIZE) -> list[InboundSms]:
    """Unassigned SMS with something to read, newest first (opt-outs and opt-ins are
    handled when they arrive: nothing to assign)."""
    rows = session.scalars(
        select(InboundSms)
        .where(InboundSms.client_id.is_(None), InboundSms.body != "")
        .order_by(InboundSms.id.desc())
        .limit(limit)
    )
    return [r for r in rows if keyword_of(r.body) not in OPT_OUT_WORDS | OPT_IN_WORDS]


def assign(session: Session, sms_id: int, client_id: int, now: datetime) -> Message:
    """Give an unassigned SMS to a client: it joins the client's log as a message.

    Claimed by a compare-and-set, so two secretaries assigning it at once make one
    message; the second is told it was assigned already."""
    if session.get(InboundSms, sms_id) is None:
        raise NotFound("not_found")
    won = session.execute(
        update(InboundSms)
        .where(InboundSms.id == sms_id, InboundSms.client_id.is_(None))
        .values(client_id=client_id)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("sms_already_assigned")
    sms = session.get(InboundSms, sms_id, populate_existing=True)
    assert sms is not None
    message = Message(
        client_id=client_id,
        source=MessageSource.SMS,
        caller_number=sms.from_number,
        reason="Réponse SMS",
        body=sms.body.strip(),
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message
