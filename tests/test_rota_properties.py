"""The rota's responders against a brute-force reference that reads the rows one by one
with the ORM: random shifts (own and "every client she is trained for", overnight, with
validity), overrides, absences, inactive secretaries and overflow partners, around both
daylight-saving changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import Absence, Client, Override, Secretary, Shift, Training
from desk.rota import responders

TZ = ZoneInfo("Europe/Paris")
PEOPLE = 4
# Saturday night to Monday around the spring and autumn changes of 2025, and a plain week.
BASES = (
    datetime(2025, 3, 29, 12, tzinfo=UTC),
    datetime(2025, 10, 25, 12, tzinfo=UTC),
    datetime(2025, 6, 14, 12, tzinfo=UTC),
)


@dataclass(frozen=True)
class ShiftSpec:
    who: int
    own_client: bool  # False: client_id NULL, every client she is trained for
    weekdays: frozenset[int]
    start: time
    end: time
    rank: int
    ring_together: bool
    valid_from: int | None  # days from the base
    valid_until: int | None


@dataclass(frozen=True)
class OverrideSpec:
    original: int
    replacement: int
    shift: int | None  # index into the shifts, or all her duty
    start: int  # hours from `at`
    hours: int


@dataclass(frozen=True)
class World:
    active: tuple[bool, ...]
    trained: tuple[bool, ...]
    overflow: tuple[int | None, ...]
    ring_pair_together: bool
    shifts: tuple[ShiftSpec, ...]
    overrides: tuple[OverrideSpec, ...]
    absences: tuple[tuple[int, int, int], ...]  # who, start (hours from at), hours
    base: datetime
    minutes: int  # `at` = base + minutes


person = st.integers(0, PEOPLE - 1)
shifts = st.builds(
    lambda start, hours, **rest: ShiftSpec(
        start=time(start), end=time((start + hours) % 24), **rest
    ),
    who=person,
    own_client=st.booleans(),
    weekdays=st.frozensets(st.integers(0, 6), min_size=3),
    start=st.integers(0, 23),
    hours=st.integers(4, 20),  # past midnight when start + hours > 24
    rank=st.sampled_from([1, 1, 2, 2, 3]),
    ring_together=st.booleans(),
    valid_from=st.none() | st.integers(-2, 2),
    valid_until=st.none() | st.integers(-2, 2),
)
overrides = st.builds(
    lambda original, step, **rest: OverrideSpec(original, (original + step) % PEOPLE, **rest),
    original=person,
    step=st.integers(1, PEOPLE - 1),
    shift=st.none() | st.integers(0, 5),
    start=st.integers(-6, 2),
    hours=st.integers(1, 8),
)
worlds = st.builds(
    World,
    active=st.tuples(*[st.booleans() for _ in range(PEOPLE)]).map(tuple),
    trained=st.tuples(*[st.booleans() for _ in range(PEOPLE)]).map(tuple),
    overflow=st.tuples(*[st.none() | st.integers(1, 3) for _ in range(PEOPLE)]).map(tuple),
    ring_pair_together=st.booleans(),
    shifts=st.lists(shifts, max_size=8).map(tuple),
    overrides=st.lists(overrides, max_size=3).map(tuple),
    absences=st.lists(st.tuples(person, st.integers(-6, 2), st.integers(1, 8)), max_size=2).map(
        tuple
    ),
    base=st.sampled_from(BASES),
    minutes=st.integers(0, 48 * 60 - 1).map(lambda m: m - m % 5),
)


def _build(session: Session, world: World) -> tuple[Client, datetime]:
    tag = uuid.uuid4().hex[:8]
    client = Client(slug=f"p-{tag}", name="Cabinet", ring_pair_together=world.ring_pair_together)
    session.add(client)
    people = [
        Secretary(name=f"S{i}-{tag}", phone=f"+3361200{i:04d}", active=world.active[i])
        for i in range(PEOPLE)
    ]
    session.add_all(people)
    session.flush()
    for i, secretary in enumerate(people):
        if world.trained[i] or world.overflow[i] is not None:
            session.add(
                Training(
                    secretary_id=secretary.id, client_id=client.id, overflow_rank=world.overflow[i]
                )
            )
    day0 = world.base.astimezone(TZ).date()
    rows = []
    for spec in world.shifts:
        row = Shift(
            secretary_id=people[spec.who].id,
            client_id=client.id if spec.own_client else None,
            weekdays="".join(str(d) for d in sorted(spec.weekdays)),
            start_local=spec.start,
            end_local=spec.end,
            rank=spec.rank,
            ring_together=spec.ring_together,
            valid_from=None if spec.valid_from is None else day0 + timedelta(spec.valid_from),
            valid_until=None if spec.valid_until is None else day0 + timedelta(spec.valid_until),
        )
        rows.append(row)
    session.add_all(rows)
    session.flush()
    at = world.base + timedelta(minutes=world.minutes)
    for o in world.overrides:
        shift_id = rows[o.shift].id if o.shift is not None and o.shift < len(rows) else None
        session.add(
            Override(
                shift_id=shift_id,
                original_secretary_id=people[o.original].id,
                replacement_secretary_id=people[o.replacement].id,
                starts_at=at + timedelta(hours=o.start),
                ends_at=at + timedelta(hours=o.start + o.hours),
            )
        )
    for who, start, hours in world.absences:
        session.add(
            Absence(
                secretary_id=people[who].id,
                starts_at=at + timedelta(hours=start),
                ends_at=at + timedelta(hours=start + hours),
            )
        )
    session.flush()
    return client, at


def _covers(shift: Shift, at: datetime) -> bool:
    """Brute force: try the occurrence starting on each of the two local days around `at`."""
    today = at.astimezone(TZ).date()
    for day in (today - timedelta(days=1), today):
        if str(day.weekday()) not in (shift.weekdays or ""):
            continue
        if shift.valid_from is not None and day < shift.valid_from:
            continue
        if shift.valid_until is not None and day > shift.valid_until:
            continue
        end_day = day if shift.end_local > shift.start_local else day + timedelta(days=1)
        start = datetime.combine(day, shift.start_local, TZ).astimezone(UTC)
        end = datetime.combine(end_day, shift.end_local, TZ).astimezone(UTC)
        if start <= at < end:
            return True
    return False


def reference(session: Session, client: Client, at: datetime) -> list[tuple[tuple[int, int], ...]]:
    """Steps as ((secretary id, rank), …), computed row by row."""
    trainings = session.scalars(select(Training).where(Training.client_id == client.id)).all()
    trained = {t.secretary_id for t in trainings}
    shifts = [
        s
        for s in session.scalars(select(Shift).order_by(Shift.rank, Shift.id))
        if s.client_id == client.id or (s.client_id is None and s.secretary_id in trained)
    ]
    overrides = sorted(session.scalars(select(Override)), key=lambda o: (o.starts_at, o.id))
    absences = session.scalars(select(Absence)).all()

    def available(secretary_id: int) -> bool:
        secretary = session.get(Secretary, secretary_id)
        assert secretary is not None
        absent = any(
            a.secretary_id == secretary_id and a.starts_at <= at < a.ends_at for a in absences
        )
        return secretary.active and not absent

    def holder(shift: Shift) -> int:
        for o in overrides:
            if (
                o.original_secretary_id == shift.secretary_id
                and o.shift_id in (None, shift.id)
                and o.starts_at <= at < o.ends_at
            ):
                return o.replacement_secretary_id
        return shift.secretary_id

    on_duty: list[tuple[int, Shift]] = []
    for shift in shifts:
        if not _covers(shift, at):
            continue
        who = holder(shift)
        if who in {w for w, _ in on_duty} or not available(who):
            continue
        on_duty.append((who, shift))
    steps: list[tuple[tuple[int, int], ...]] = []
    rest = on_duty
    pair = len(on_duty) >= 2 and on_duty[0][1].rank == 1 and on_duty[1][1].rank == 2
    together = client.ring_pair_together or any(s.ring_together for _, s in on_duty[:2])
    if pair and together:
        steps.append(((on_duty[0][0], 1), (on_duty[1][0], 2)))
        rest = on_duty[2:]
    steps.extend(((who, shift.rank),) for who, shift in rest)
    ringing = {who for step in steps for who, _ in step}
    for t in sorted(
        (t for t in trainings if t.overflow_rank is not None),
        key=lambda t: (t.overflow_rank, t.secretary_id),
    ):
        if t.secretary_id not in ringing and available(t.secretary_id):
            ringing.add(t.secretary_id)
            steps.append(((t.secretary_id, 100 + (t.overflow_rank or 0)),))
    return steps


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds)
def test_responders_match_a_row_by_row_reference(session: Session, world: World) -> None:
    client, at = _build(session, world)
    steps = responders(session, client, at)
    got = [tuple((r.secretary_id, r.rank) for r in step) for step in steps]
    assert got == reference(session, client, at)
    assert all(r.rank > 100 for step in steps for r in step if r.partner)
    event(f"{len(steps)} step(s), {sum(len(step) > 1 for step in steps)} pair(s)")


def test_the_reference_sees_a_shift_that_runs_past_midnight_across_the_autumn_change(
    session: Session,
) -> None:
    world = World(
        active=(True, True, True, True),
        trained=(True, False, False, False),
        overflow=(None, None, None, None),
        ring_pair_together=False,
        shifts=(ShiftSpec(0, True, frozenset({5}), time(22), time(6), 1, False, None, None),),
        overrides=(),
        absences=(),
        base=BASES[1],
        minutes=14 * 60,  # Sunday 26 October 02:00 UTC = 03:00 winter time, inside the shift
    )
    client, at = _build(session, world)
    assert reference(session, client, at) != []
    assert [len(step) for step in responders(session, client, at)] == [1]
    assert date(2025, 10, 26) == at.astimezone(TZ).date()


def test_a_pair_on_duty_is_rung_together_by_both_the_rota_and_the_reference(
    session: Session,
) -> None:
    every_day = frozenset(range(7))
    world = World(
        active=(True, True, True, True),
        trained=(True, True, False, False),
        overflow=(None, None, 1, None),
        ring_pair_together=True,
        shifts=(
            ShiftSpec(0, True, every_day, time(8), time(20), 1, False, None, None),
            ShiftSpec(1, True, every_day, time(8), time(20), 2, False, None, None),
        ),
        overrides=(),
        absences=(),
        base=BASES[0],
        minutes=0,  # Saturday 29 March 2025, 13:00 in Paris
    )
    client, at = _build(session, world)
    expected = reference(session, client, at)
    assert [len(step) for step in expected] == [2, 1]  # the pair, then the partner
    assert [
        tuple((r.secretary_id, r.rank) for r in s) for s in responders(session, client, at)
    ] == (expected)
