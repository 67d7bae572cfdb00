"""Admins hear of rota gaps once; old webhook receipts are forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.calls.receipts import purge_webhook_receipts
from desk.models import Absence, Outbox, WebhookReceipt
from desk.rota.gap_alerts import alert_upcoming_gaps
from tests.helpers.routing import paris, secretary

MONDAY_MORNING = datetime(2027, 3, 29, 6, 0, tzinfo=UTC)  # Easter Monday, 08:00 in Paris


def test_a_gap_next_week_is_mailed_to_the_admin_once(session: Session, demo: str) -> None:
    assert alert_upcoming_gaps(session, MONDAY_MORNING) == 0  # the demo pair covers it all
    for name in ("Claire", "Sophie"):
        session.add(
            Absence(
                secretary_id=secretary(session, name).id,
                starts_at=paris(2027, 3, 31, 13, 15),
                ends_at=paris(2027, 3, 31, 15),
            )
        )
    session.flush()
    assert alert_upcoming_gaps(session, MONDAY_MORNING) == 1
    (mail,) = session.scalars(select(Outbox).where(Outbox.kind == "gap-alert")).all()
    assert (mail.channel, mail.recipient) == ("email", "admin@permanence.test")
    assert "mer. 31/03 13:15–14:00" in mail.subject
    assert "45 min" in mail.body
    # The hourly sweep finds the same gap again: nothing more is sent.
    assert alert_upcoming_gaps(session, MONDAY_MORNING + timedelta(hours=1)) == 0


def test_a_gap_alert_links_to_the_rota_week_where_it_is_offered_to_the_network(
    session: Session, demo: str
) -> None:
    for name in ("Claire", "Sophie"):
        session.add(
            Absence(
                secretary_id=secretary(session, name).id,
                starts_at=paris(2027, 3, 31, 13, 15),
                ends_at=paris(2027, 3, 31, 15),
            )
        )
    session.flush()
    assert alert_upcoming_gaps(session, MONDAY_MORNING, base_url="https://desk.test/") == 1
    (mail,) = session.scalars(select(Outbox).where(Outbox.kind == "gap-alert")).all()
    last = mail.body.splitlines()[-1]
    assert last.startswith("Proposer au réseau : ")
    link = urlsplit(last.removeprefix("Proposer au réseau : "))
    assert (link.netloc, link.path) == ("desk.test", "/desk/rota/")
    assert parse_qs(link.query)["week"] == ["2027-03-29"]


def test_webhook_receipts_older_than_a_week_are_purged(session: Session) -> None:
    now = datetime(2027, 3, 30, 12, 0, tzinfo=UTC)
    session.add_all(
        [
            WebhookReceipt(key="old", response="<Response/>", created_at=now - timedelta(days=8)),
            WebhookReceipt(key="new", response="<Response/>", created_at=now - timedelta(days=1)),
        ]
    )
    session.flush()
    assert purge_webhook_receipts(session, now) == 1
    assert session.scalars(select(WebhookReceipt.key)).all() == ["new"]
