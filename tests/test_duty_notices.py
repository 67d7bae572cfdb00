"""Shift-start notices: Claire hears when her duty starts and when she replaces someone,
by SMS or e-mail as she chose, exactly once even when the sweep runs twice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Outbox, Override
from desk.rota.notices import send_duty_notices
from tests.helpers.routing import paris, secretary


def _notices(session: Session) -> list[Outbox]:
    return list(session.scalars(select(Outbox).where(Outbox.kind == "duty-notice")))


def test_the_lunch_pair_hears_once_that_their_duty_starts(demo: str, session: Session) -> None:
    at = paris(2026, 3, 2, 12, 5)  # Monday, five minutes into lunch
    assert send_duty_notices(session, at) == 2
    assert send_duty_notices(session, at) == 0  # a second sweep, or a second scheduler
    session.commit()
    texts = {n.recipient: n.body for n in _notices(session)}
    assert texts == {
        "+33612000001": "Permanence : votre permanence pour Cabinet dentaire du Parc "
        "commence maintenant, 12:00-14:00.",
        "+33612000002": "Permanence : votre permanence pour Cabinet dentaire du Parc "
        "commence maintenant, 12:00-14:00.",
    }
    assert send_duty_notices(session, paris(2026, 3, 2, 13, 0)) == 0  # not a new duty


def test_a_duty_that_started_long_ago_is_not_announced(demo: str, session: Session) -> None:
    assert send_duty_notices(session, paris(2026, 3, 2, 13, 0)) == 0


def test_ines_asked_to_replace_claire_gets_one_email_as_she_chose(
    demo: str, session: Session
) -> None:
    ines, claire = secretary(session, "Inès"), secretary(session, "Claire")
    ines.notify_by = "email"
    session.add(
        Override(
            original_secretary_id=claire.id,
            replacement_secretary_id=ines.id,
            starts_at=paris(2026, 3, 5, 12),
            ends_at=paris(2026, 3, 5, 14),
        )
    )
    session.flush()
    assert send_duty_notices(session, paris(2026, 3, 2, 9)) == 1
    assert send_duty_notices(session, paris(2026, 3, 2, 9, 1)) == 0
    (notice,) = _notices(session)
    assert notice.channel == "email" and notice.recipient == ines.email
    assert "vous remplacez Claire" in notice.body and "05/03 12:00" in notice.body
