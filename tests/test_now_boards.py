"""The Now page's boards, loaded for many clients at once, say what each client's own
`now_and_next` says (the one routing agrees with): overrides, absences, client-less
shifts, partners, closures and gaps included."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from bench.network import LUNCH, seed_network
from desk.base.db import Database
from desk.models import Client, Closure, Shift, Training
from desk.rota.boards import now_boards
from desk.rota.edits import add_absence, take_shift
from desk.rota.week import now_and_next


def test_boards_for_all_clients_match_each_clients_own_now_and_next(db: Database) -> None:
    seed_network(db.engine, 12, calls_per_client=1, appointments_per_client=1)
    today = LUNCH.date()
    with db.session() as s:
        clients = list(s.scalars(select(Client).order_by(Client.name)))
        first, second, third = clients[0], clients[1], clients[2]
        shift = s.scalars(select(Shift).where(Shift.client_id == first.id, Shift.rank == 1)).first()
        assert shift is not None
        # Someone takes the first client's lunch shift today; the second's pair is absent.
        trained = s.scalars(select(Training.secretary_id).where(Training.client_id == first.id))
        other = next(t for t in trained if t != shift.secretary_id)
        take_shift(s, first, shift_id=shift.id, replacement_id=other, day=today)
        for t in s.scalars(select(Training).where(Training.client_id == second.id)).all():
            if t.overflow_rank is None:
                add_absence(s, second, secretary_id=t.secretary_id, first_day=today, last_day=today)
        # The third is closed today; a client-less shift of a trained secretary tomorrow.
        s.add(Closure(client_id=third.id, starts_on=today, ends_on=today, reason="Fermé"))
        s.add(
            Shift(
                secretary_id=other,
                client_id=None,
                weekdays="0123456",
                start_local=time(18, 30),
                end_local=time(19),
                valid_from=today + timedelta(days=1),
                valid_until=date(2027, 12, 31),
            )
        )
    with db.session() as s:
        clients = list(s.scalars(select(Client).order_by(Client.name)))
        for at in (LUNCH, LUNCH + timedelta(hours=7, minutes=30), LUNCH + timedelta(days=4)):
            boards = now_boards(s, clients, at)
            assert boards == [now_and_next(s, c, at) for c in clients]
        assert any(not b.on_duty and b.covered_now for b in now_boards(s, clients, LUNCH))
