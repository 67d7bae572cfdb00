"""The end-of-coverage digest, down to a real SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.messages.digest import send_due_digests
from desk.messages.intake import take_message
from desk.models import Closure, Message, Outbox
from desk.outbox.channels.sms import ConsoleSms
from desk.outbox.dispatch import Dispatcher
from tests.helpers.local_servers import SmtpServer, smtp_overrides
from tests.helpers.messages import TUESDAY_NOON, make_client, make_settings

# Tuesday 14 January 2025, Paris = UTC+1: the 12:00-14:00 window ends at 13:00 UTC.
WINDOW_END = datetime(2025, 1, 14, 13, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def rows(session: Session) -> list[Outbox]:
    return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def test_the_digest_reaches_a_real_smtp_server_in_plain_text_and_escaped_html(
    db: Database, tmp_path: Path, smtp: SmtpServer
) -> None:
    with db.session() as session:
        client = make_client(session, delivery="digest")
        take_message(
            session,
            client_id=client.id,
            caller_name="Mme Durand",
            caller_number="0611223344",
            reason="Devis",
            body="Rappeler <b>vite</b> & merci",
            now=TUESDAY_NOON,
        )
        assert rows(session) == []  # a digest client: nothing at once
        assert send_due_digests(session, WINDOW_END + timedelta(minutes=5)) == 2
    settings = make_settings(db, tmp_path, smtp_overrides(smtp))
    result = Dispatcher(db, settings, node="test", sms=ConsoleSms()).run()
    assert result.sent == 2
    [email] = smtp.messages
    assert email["To"] == "accueil@parc.test"
    assert email["Subject"] == "Cabinet du Parc : permanence du 14/01 12:00-14:00"
    plain = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert plain is not None and html is not None
    assert "12:30 | Mme Durand 06 11 22 33 44 | Devis - Rappeler <b>vite</b> & merci" in (
        plain.get_content()
    )
    assert "Rappeler &lt;b&gt;vite&lt;/b&gt; &amp; merci" in html.get_content()
    assert "<b>vite</b>" not in html.get_content()
    sms = ConsoleSms.sent[-1]
    assert sms.to == "+33612000009"
    assert sms.body.startswith("Cabinet du Parc, permanence 14/01 12:00-14:00 : 1 message(s)")


def test_a_digest_is_sent_once_per_window_however_often_the_job_runs(session: Session) -> None:
    client = make_client(session, delivery="digest")
    take_message(session, client_id=client.id, body="Devis", now=TUESDAY_NOON)
    assert send_due_digests(session, WINDOW_END + timedelta(minutes=1)) == 2
    assert send_due_digests(session, WINDOW_END + timedelta(minutes=6)) == 0
    assert send_due_digests(session, WINDOW_END + timedelta(hours=5)) == 0
    message = session.scalars(select(Message)).one()
    assert message.digested_at is not None


def test_no_digest_when_nothing_happened_or_before_the_window_ends(session: Session) -> None:
    client = make_client(session, delivery="digest")
    assert send_due_digests(session, WINDOW_END + timedelta(minutes=1)) == 0
    take_message(session, client_id=client.id, body="Devis", now=TUESDAY_NOON)
    assert send_due_digests(session, WINDOW_END - timedelta(minutes=1)) == 0
    assert rows(session) == []


def test_a_message_taken_after_hours_goes_in_the_next_windows_digest(session: Session) -> None:
    client = make_client(session, delivery="digest")
    evening = WINDOW_END + timedelta(hours=8)  # 22:00 in Paris
    take_message(session, client_id=client.id, body="Message du soir", now=evening)
    assert send_due_digests(session, evening + timedelta(minutes=5)) == 0
    next_end = WINDOW_END + timedelta(days=1)
    assert send_due_digests(session, next_end + timedelta(minutes=5)) == 2
    assert "Message du soir" in rows(session)[1].body


def test_urgent_only_contacts_get_no_digest(session: Session) -> None:
    client = make_client(
        session,
        delivery="digest",
        contacts=[{"name": "Dr", "phone": "+33612000010", "urgent_only": True}],
    )
    take_message(session, client_id=client.id, body="Devis", now=TUESDAY_NOON)
    assert send_due_digests(session, WINDOW_END + timedelta(minutes=1)) == 0


def test_no_digest_for_a_window_the_practice_is_closed_its_messages_wait_for_the_next(
    session: Session,
) -> None:
    client = make_client(session, delivery="digest")
    session.add(
        Closure(client_id=client.id, starts_on=date(2025, 1, 14), ends_on=date(2025, 1, 14))
    )
    take_message(session, client_id=client.id, body="Pendant la fermeture", now=TUESDAY_NOON)
    assert send_due_digests(session, WINDOW_END + timedelta(minutes=5)) == 0
    assert send_due_digests(session, WINDOW_END + timedelta(days=1, minutes=5)) == 2
    assert "Pendant la fermeture" in rows(session)[0].body


# Easter Monday 21 April 2025, a French public holiday; Paris = UTC+2, so 14:00 is 12:00 UTC.
EASTER_MONDAY_END = datetime(2025, 4, 21, 12, 0, tzinfo=UTC)


def test_no_digest_on_a_public_holiday_the_desk_does_not_cover(session: Session) -> None:
    client = make_client(session, delivery="digest")
    take_message(session, client_id=client.id, body="Lundi de Pâques", now=EASTER_MONDAY_END)
    assert send_due_digests(session, EASTER_MONDAY_END + timedelta(minutes=5)) == 0
    assert send_due_digests(session, EASTER_MONDAY_END + timedelta(days=1, minutes=5)) == 2


def test_a_covered_public_holiday_gets_one_digest_at_midnight(session: Session) -> None:
    client = make_client(session, delivery="digest")
    client.holiday_policy = "covered"
    take_message(session, client_id=client.id, body="Lundi de Pâques", now=EASTER_MONDAY_END)
    assert send_due_digests(session, EASTER_MONDAY_END + timedelta(minutes=5)) == 0
    midnight = datetime(2025, 4, 21, 22, 0, tzinfo=UTC)  # 00:00 in Paris
    assert send_due_digests(session, midnight + timedelta(minutes=5)) == 2
    assert "21/04 00:00-00:00" in rows(session)[0].body
