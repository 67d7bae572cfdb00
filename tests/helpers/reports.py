"""Hand-built call histories for the activity and staffing tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import (
    Appointment,
    AppointmentType,
    Call,
    CallAttempt,
    Client,
    Message,
    Practitioner,
    Secretary,
)
from desk.reports.facts import Period

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


@dataclass
class Ring:
    """One attempt: who, which step, seconds after the call began, and what she did."""

    secretary: Secretary
    step: int
    after: float = 1.0
    accepted_after: float | None = None  # seconds after the call began
    talk: int | None = None
    outcome: str = "no-answer"


def make_people(session: Session) -> tuple[Client, Secretary, Secretary, Secretary]:
    client = Client(slug=f"parc-{uuid.uuid4().hex[:6]}", name="Cabinet du Parc")
    claire = Secretary(name="Claire", phone="+33612000001")
    sophie = Secretary(name="Sophie", phone="+33612000002")
    ines = Secretary(name="Inès", phone="+33612000003", is_partner=True)
    session.add_all([client, claire, sophie, ines])
    session.flush()
    return client, claire, sophie, ines


def make_call(
    session: Session,
    client: Client,
    at: datetime,
    outcome: str,
    rings: list[Ring] | None = None,
    plan: list[list[Secretary]] | None = None,
) -> Call:
    rings = rings or []
    handler = next((r for r in rings if r.outcome in ("accepted", "completed")), None)
    call = Call(
        call_sid=f"CA{uuid.uuid4().hex}",
        client_id=client.id,
        to_number="+33199001234",
        caller="+33611111111",
        started_at=at,
        outcome=outcome,
        plan=[[s.id for s in step] for step in (plan or [])],
        handled_by_id=handler.secretary.id if handler else None,
        answered_at=at + timedelta(seconds=handler.accepted_after or 0) if handler else None,
    )
    session.add(call)
    session.flush()
    for r in rings:
        session.add(
            CallAttempt(
                call_id=call.id,
                position=r.step,
                secretary_id=r.secretary.id,
                number=r.secretary.phone,
                started_at=at + timedelta(seconds=r.after),
                outcome=r.outcome,
                accepted_at=(
                    at + timedelta(seconds=r.accepted_after)
                    if r.accepted_after is not None
                    else None
                ),
                duration_seconds=r.talk,
            )
        )
    session.flush()
    return call


def make_message(
    session: Session, client: Client, at: datetime, taker: Secretary | None, source: str
) -> None:
    session.add(
        Message(
            client_id=client.id,
            source=source,
            taken_by_id=taker.id if taker else None,
            created_at=at,
            body="Rappeler",
        )
    )
    session.flush()


def make_booking(session: Session, client: Client, booked_at: datetime) -> None:
    practitioner = Practitioner(client_id=client.id, name="Dr Martin")
    kind = AppointmentType(
        client_id=client.id, name=f"Consultation {uuid.uuid4().hex[:4]}", duration_minutes=30
    )
    session.add_all([practitioner, kind])
    session.flush()
    starts = booked_at + timedelta(days=3)
    session.add(
        Appointment(
            uid=uuid.uuid4().hex,
            client_id=client.id,
            practitioner_id=practitioner.id,
            type_id=kind.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            blocked_until=starts + timedelta(minutes=30),
            patient_name="Jean Dupont",
            created_at=booked_at,
            updated_at=booked_at,
            cancel_token=uuid.uuid4().hex,
        )
    )
    session.flush()


def week_history(session: Session) -> tuple[Client, Secretary, Secretary, Secretary]:
    """The week of Monday 22 to Sunday 28 March 2027 (clocks go forward on the Sunday),
    worked out by hand in tests/test_report_measures.py."""
    client, claire, sophie, ines = make_people(session)
    pair, chain = [[claire, sophie]], [[claire], [sophie], [ines]]
    A, N = "accepted", "no-answer"
    # 1. Monday 12:05, rung as a pair, Claire (rank 1) takes it after 8 s.
    make_call(
        session,
        client,
        paris(2027, 3, 22, 12, 5),
        "answered",
        plan=pair,
        rings=[Ring(claire, 0, 1, 9, 120, A), Ring(sophie, 0, 1)],
    )
    # 2. Monday 12:20, rung as a pair, Sophie (the pair) takes it after 12 s.
    make_call(
        session,
        client,
        paris(2027, 3, 22, 12, 20),
        "answered",
        plan=pair,
        rings=[Ring(claire, 0, 1, outcome="declined"), Ring(sophie, 0, 1, 13, 60, A)],
    )
    # 3. Tuesday 12:10: Claire pressed 1 but the bridge failed; Sophie, next, after 25 s.
    make_call(
        session,
        client,
        paris(2027, 3, 23, 12, 10),
        "answered",
        plan=chain,
        rings=[Ring(claire, 0, 2, 6, None, N), Ring(sophie, 1, 20, 27, 200, A)],
    )
    # 4. Tuesday 12:40: nobody on the rota; Inès, a partner, after 50 s.
    make_call(
        session,
        client,
        paris(2027, 3, 23, 12, 40),
        "answered",
        plan=chain,
        rings=[Ring(claire, 0, 1), Ring(sophie, 1, 21), Ring(ines, 2, 41, 51, 100, A)],
    )
    # 5. Wednesday 12:15: the caller hung up while Claire's phone rang.
    make_call(
        session,
        client,
        paris(2027, 3, 24, 12, 15),
        "missed",
        plan=chain,
        rings=[Ring(claire, 0, 1)],
    )
    # 6. Wednesday 13:30: nobody answered, a voicemail.
    make_call(
        session,
        client,
        paris(2027, 3, 24, 13, 30),
        "voicemail",
        plan=chain,
        rings=[Ring(claire, 0, 1), Ring(sophie, 1, 21)],
    )
    # 7. Thursday 20:00 and 8. Saturday 23:30: after hours.
    make_call(session, client, paris(2027, 3, 25, 20, 0), "after-hours")
    make_call(session, client, paris(2027, 3, 27, 23, 30), "after-hours")
    # 9. Sunday 03:30 summer time (01:30 UTC), just after the change: Claire after 4 s.
    make_call(
        session,
        client,
        paris(2027, 3, 28, 3, 30),
        "answered",
        plan=chain,
        rings=[Ring(claire, 0, 1, 5, 30, A)],
    )
    # 10. Sunday 23:30 summer time (21:30 UTC): a voicemail, no ring.
    make_call(session, client, paris(2027, 3, 28, 23, 30), "voicemail", plan=[])
    # Outside the week: Monday 29 00:30 summer time is still the 28th in UTC (22:30);
    # Sunday 21 23:59 is the week before.
    make_call(session, client, paris(2027, 3, 29, 0, 30), "missed", plan=[])
    make_call(session, client, paris(2027, 3, 21, 23, 59), "missed", plan=[])
    # Messages: two taken on the desk in the week, one voicemail, one the week after.
    make_message(session, client, paris(2027, 3, 22, 12, 22), sophie, "secretary")
    make_message(session, client, paris(2027, 3, 23, 12, 45), ines, "secretary")
    make_message(session, client, paris(2027, 3, 24, 13, 31), None, "voicemail")
    make_message(session, client, paris(2027, 3, 29, 9, 0), claire, "secretary")
    # One booking in the week, one before it.
    make_booking(session, client, paris(2027, 3, 23, 12, 12))
    make_booking(session, client, paris(2027, 3, 19, 10, 0))
    return client, claire, sophie, ines


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The statements `db`'s engine runs meanwhile."""
    seen: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# The week `week_history` fills (Monday 22 to Sunday 28 March 2027).
WEEK = Period(date(2027, 3, 22), date(2027, 3, 28), PARIS)
