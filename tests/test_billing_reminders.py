"""Sending invoices, payments, late penalties and reminders (exactly once, with the PDF)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.base.clock import system_now
from desk.base.db import Database
from desk.billing.collection import (
    balance_of,
    late_penalty,
    overdue_client_ids,
    record_payment,
    send_due_reminders,
    send_invoice,
)
from desk.billing.invoices import invoice_by_number, issue_statements
from desk.models import InvoiceTracking, Outbox
from desk.models.billing import InvoiceState
from desk.outbox.dispatch import Dispatcher
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.local_servers import SmtpServer, smtp_overrides
from tests.helpers.messages import make_settings


@pytest.fixture
def number(demo: str, db: Database) -> str:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
    return issued.number


def _due(db: Database, number: str) -> date:
    with db.session() as session:
        return invoice_by_number(session, number).due_on


def test_reminders_go_once_each_with_the_pdf_through_a_killed_dispatcher(
    number: str, db: Database, tmp_path: Path
) -> None:
    due = _due(db, number)
    with SmtpServer() as smtp:
        settings = make_settings(db, tmp_path, smtp_overrides(smtp))
        for days in (3, 7, 8, 15, 15, 16, 30, 31, 45):
            with db.session() as session:
                send_due_reminders(session, due + timedelta(days=days), system_now())
            if days == 15:
                # A dispatcher claims the oldest reminder waiting and dies before sending it.
                crashed = Dispatcher(db, settings, node="crashed").claim_one()
                assert crashed is not None
        timeout = settings["scheduler.outbox_claim_timeout_seconds"]
        later = system_now() + timedelta(seconds=timeout + 5)
        Dispatcher(db, settings, node="survivor", clock=lambda: later).run()
        Dispatcher(db, settings, node="again", clock=lambda: later).run()
        subjects = sorted(str(m["Subject"]) for m in smtp.messages)
        attachments = [
            [part.get_filename() for part in m.iter_attachments()] for m in smtp.messages
        ]
    assert len(subjects) == 3
    assert [s.split(":")[0].strip() for s in subjects] == [
        "Deuxième rappel",
        "Mise en demeure",
        "Rappel",
    ]
    assert attachments == [[f"{number}.pdf"]] * 3
    with db.session() as session:
        kinds = session.scalars(select(Outbox.kind)).all()
        assert kinds == ["invoice-reminder"] * 3


def test_two_sweeps_at_once_claim_a_level_once(number: str, db: Database) -> None:
    later = _due(db, number) + timedelta(days=8)
    with db.session() as first, db.session() as second:
        assert send_due_reminders(first, later, NOW) == [(number, 7)]
        first.commit()
        assert send_due_reminders(second, later, NOW) == []


def test_a_sweep_after_a_long_pause_sends_only_the_highest_level(number: str, db: Database) -> None:
    with db.session() as session:
        sent = send_due_reminders(session, _due(db, number) + timedelta(days=40), NOW)
    assert sent == [(number, 30)]
    with db.session() as session:
        assert len(session.scalars(select(Outbox)).all()) == 1


def test_sending_payments_and_the_overdue_badge(number: str, db: Database) -> None:
    with db.session() as session:
        invoice = send_invoice(session, number, NOW)
        client_id, due = invoice.client_id, invoice.due_on
        send_invoice(session, number, NOW)  # twice: one e-mail
    with db.session() as session:
        [mail] = session.scalars(select(Outbox)).all()
        assert (mail.recipient, mail.kind, len(mail.attachments)) == (
            "accueil@cabinet-du-parc.test",
            "invoice",
            1,
        )
        send_due_reminders(session, due + timedelta(days=1), NOW)
    with db.session() as session:
        assert overdue_client_ids(session) == {client_id}
        record_payment(session, number, 5000, due, NOW)
        assert balance_of(session, client_id) == 11909 - 5000
        with pytest.raises(Exception, match="more than"):
            record_payment(session, number, 7000, due, NOW)
        tracking = record_payment(session, number, 6909, due, NOW)
        assert tracking.state == InvoiceState.PAID
    with db.session() as session:
        assert overdue_client_ids(session) == set()
        assert session.get(InvoiceTracking, invoice.id).paid_cents == 11909  # type: ignore[union-attr]
        assert send_due_reminders(session, due + timedelta(days=30), NOW) == []


def test_late_penalty_is_interest_per_day_plus_the_40_euro_indemnity(
    number: str, db: Database
) -> None:
    with db.session() as session:
        invoice = invoice_by_number(session, number)
        on_time = late_penalty(invoice, 0, invoice.due_on)
        late = late_penalty(invoice, 0, invoice.due_on + timedelta(days=30))
    assert on_time.total_cents == 0
    # 119.09 € × 12 % × 30/365 = 1.1746… → 1.17 €, plus 40 €.
    assert (late.interest_cents, late.indemnity_cents, late.total_cents) == (117, 4000, 4117)
