"""Invoice numbers follow each other without gaps, even with two `issue` runs at once."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import select

from desk.base.db import Database
from desk.billing.invoices import issue_statements
from desk.billing.plans import set_contract
from desk.models import Client, Invoice
from tests.helpers.billing import NOW


def test_two_concurrent_issue_runs_give_gapless_numbers_and_one_invoice_each(
    db: Database,
) -> None:
    from desk.billing.parties import set_seller

    with db.session() as session:
        set_seller(session, name="Permanence", siren="912345675", address="1 rue\n69006 Lyon")
        for index in range(6):
            client = Client(slug=f"client-{index}", name=f"Client {index}")
            session.add(client)
            session.flush()
            set_contract(session, client.id, date(2026, 1, 1), monthly_fee_cents=5000 + index)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    made: list[list[str]] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            with db.session() as session:
                results = issue_statements(session, "2026-10", NOW)
                made.append([r.number for r in results if r.new])
        except BaseException as exc:  # reported below, with the other thread's outcome
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with db.session() as session:
        rows = session.execute(select(Invoice.number, Invoice.client_id)).all()
    numbers = sorted(number for number, _ in rows)
    assert numbers == [f"F2026-{n:04d}" for n in range(1, 7)]
    assert len({client_id for _, client_id in rows}) == 6
    assert sorted(n for batch in made for n in batch) == numbers
