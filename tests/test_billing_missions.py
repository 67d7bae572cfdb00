"""Missions derived from the records: who did what, when, for how long, at what price."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.billing.missions import recompute
from desk.models import Message, Mission, Outbox
from tests.helpers.billing import NOW, PARIS, answered, demo_client, secretary


def test_calls_messages_and_sms_become_missions_and_recomputing_replaces_them(
    demo: str, session: Session
) -> None:
    client = demo_client(session)
    claire = secretary(session, "Claire")
    at = datetime(2026, 10, 6, 12, 30, tzinfo=PARIS)
    call = answered(session, client, claire, at, 61)
    session.flush()
    session.add_all(
        [
            Message(client_id=client.id, call_id=call.id, taken_by_id=claire.id, created_at=at),
            Outbox(channel="sms", recipient="+33612000009", body="x", kind="message",
                   client_id=client.id, state="delivered", created_at=at),
            Outbox(channel="sms", recipient="+33612000001", body="x", kind="voicemail-summary",
                   client_id=client.id, state="delivered", created_at=at),
        ]
    )  # fmt: skip
    session.flush()
    priced = recompute(session, client, "2026-10", NOW)
    assert sorted(p.work.kind for p in priced) == ["call", "message", "sms"]
    rows = session.scalars(select(Mission).order_by(Mission.kind)).all()
    call_row = rows[0]
    assert (call_row.secretary_id, call_row.duration_seconds, call_row.blocks) == (claire.id, 61, 2)
    assert call_row.included and call_row.billed_cents == 0 and call_row.list_cents == 170
    assert [r.billed_cents for r in rows[1:]] == [50, 10]  # message 0.50 €, SMS 0.10 €
    again = recompute(session, client, "2026-10", NOW)
    assert len(again) == 3
    assert len(session.scalars(select(Mission)).all()) == 3
