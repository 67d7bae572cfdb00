"""Bookings, moves and cancellations reach a real Radicale and Xandikos: one event per
appointment (stable UID, growing SEQUENCE, TZID times), once even when the server was
down or two pushers race, and a 412 keeps the practice's edit and flags the appointment."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.db import Database
from desk.models import Appointment, CalendarEvent
from scheduling.booking import book, cancel, reschedule
from scheduling.calendars.conflicts import conflicts_of, resolve
from scheduling.calendars.connections import list_connections
from scheduling.calendars.push import BackgroundPusher, Pusher
from tests.helpers.appointments import NOW, Practice, make_practice
from tests.helpers.caldav_servers import DavServer, calendar_settings, connect_calendar, events_of

TUESDAY_9 = datetime(2027, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Paris
LATER = NOW + timedelta(minutes=1)


def booked(session: Session, practice: Practice, starts_at: datetime = TUESDAY_9) -> int:
    appt = book(session, **practice.ids, starts_at=starts_at, patient_name="Marie Dupont", now=NOW)
    session.commit()
    return appt.id


def fresh(session: Session) -> None:
    """Forget what this session read: the pusher wrote on connections of its own."""
    session.rollback()
    session.expire_all()


def pusher(db: Database, settings: Settings, at: datetime = LATER, node: str = "test") -> Pusher:
    return Pusher(db, settings, node=node, clock=lambda: at)


def test_book_move_cancel_make_one_event_with_a_growing_sequence_and_a_tzid(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    calendar = dav_server.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id, practice.practitioner.id)

    appointment_id = booked(session, practice)
    assert pusher(db, settings).run().pushed == 1
    [event] = events_of(calendar)
    uid = str(event["UID"])
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 3, 2, 9, 0)
    assert event.decoded("DTSTART").astimezone(UTC) == TUESDAY_9
    assert str(event["SUMMARY"]) == "Consultation – Marie D."  # privacy mode, as the feeds

    reschedule(session, appointment_id, starts_at=TUESDAY_9 + timedelta(hours=1), now=NOW)
    session.commit()
    assert pusher(db, settings).run().pushed == 1
    [event] = events_of(calendar)
    assert str(event["UID"]) == uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").astimezone(UTC) == TUESDAY_9 + timedelta(hours=1)

    cancel(session, appointment_id, now=NOW)
    session.commit()
    assert pusher(db, settings).run().deleted == 1
    assert events_of(calendar) == []
    [view] = list_connections(session)
    assert view.state == "active" and view.last_push_at is not None and view.pending == 0


def test_another_practitioners_booking_stays_out_of_her_calendar(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    other = make_practice(session)
    calendar = radicale.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id, practice.practitioner.id)
    booked(session, other)
    assert pusher(db, settings).run().handled == 0
    assert events_of(calendar) == []


def test_a_server_down_during_the_booking_gets_the_event_once_when_back(
    db: Database, session: Session, tmp_path: Path, own_radicale: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    calendar = own_radicale.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id)
    own_radicale.stop()

    booked(session, practice)  # the booking itself neither waits nor fails
    first = pusher(db, settings).run()
    assert (first.pushed, first.retried) == (0, 1)
    [view] = list_connections(session)
    assert view.state == "failing" and view.last_error == "calendar_unreachable"
    assert view.pending == 1
    # Not due again before its backoff.
    assert pusher(db, settings, LATER + timedelta(seconds=5)).run().handled == 0

    own_radicale.start()
    assert pusher(db, settings, LATER + timedelta(minutes=5)).run().pushed == 1
    assert len(events_of(calendar)) == 1
    fresh(session)
    [view] = list_connections(session)
    assert view.state == "active" and view.last_error is None


def test_a_push_whose_answer_was_lost_updates_its_event_instead_of_adding_one(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    calendar = dav_server.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id)
    appointment_id = booked(session, practice)
    assert pusher(db, settings).run().pushed == 1
    # As if the pusher died after the server stored the event, before recording it.
    row = session.scalars(select(CalendarEvent)).one()
    row.href, row.etag, row.state = None, None, "pending"
    session.commit()
    reschedule(session, appointment_id, starts_at=TUESDAY_9 + timedelta(hours=2), now=NOW)
    session.commit()
    assert pusher(db, settings).run().pushed == 1
    [event] = events_of(calendar)
    assert event["SEQUENCE"] == 1


def test_an_event_edited_in_the_calendar_is_kept_and_the_appointment_flagged(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    calendar = dav_server.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id)
    appointment_id = booked(session, practice)
    assert pusher(db, settings).run().pushed == 1
    row = session.scalars(select(CalendarEvent)).one()
    # The practice edits the event in its own calendar app: a new ETag on the server.
    [text] = calendar.objects()
    edited = text.replace("Marie D.", "Marie D. (rappeler)")
    answer = dav_server.http.put(
        row.href, data=edited.encode(), headers={"Content-Type": "text/calendar"}
    )
    assert answer.status_code in (200, 201, 204)

    reschedule(session, appointment_id, starts_at=TUESDAY_9 + timedelta(hours=1), now=NOW)
    session.commit()
    result = pusher(db, settings).run()
    assert result.conflicts == 1, result
    [event] = events_of(calendar)
    assert "rappeler" in str(event["SUMMARY"])  # the practice's edit is not overwritten
    fresh(session)
    row = session.scalars(select(CalendarEvent)).one()
    assert row.state == "conflict" and row.conflict_at is not None
    assert row.server_copy is not None and "rappeler" in row.server_copy
    [view] = list_connections(session)
    assert view.conflicts == 1


def test_two_pushers_at_once_put_each_event_once(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    calendar = radicale.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id)
    for hour in range(6):
        booked(session, practice, TUESDAY_9 + timedelta(hours=hour // 3 * 24 + hour % 3))
    results = []
    start = threading.Barrier(2)

    def run(node: str) -> None:
        start.wait()
        results.append(pusher(db, settings, node=node).run())

    threads = [threading.Thread(target=run, args=(f"node-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(r.pushed for r in results) == 6
    assert not set(results[0].ids) & set(results[1].ids)
    uids = [str(event["UID"]) for event in events_of(calendar)]
    assert len(uids) == 6 == len(set(uids))


def test_desk_run_pushes_right_after_the_commit(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path, scheduler={"outbox_seconds": 3600})
    practice = make_practice(session)
    calendar = radicale.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id)
    background = BackgroundPusher(db, settings).start()
    try:
        started = time.monotonic()
        appt = book(
            session,
            **practice.ids,
            starts_at=TUESDAY_9,
            patient_name="Marie Dupont",
            now=datetime.now(UTC),
        )
        session.commit()
        while not events_of(calendar) and time.monotonic() - started < 10:
            time.sleep(0.05)
        assert len(events_of(calendar)) == 1
        assert time.monotonic() - started < 5
    finally:
        background.stop()
    assert str(events_of(calendar)[0]["UID"]) == appt.uid


def test_a_secretary_settles_a_conflict_either_way(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    calendar = radicale.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id)
    appointment_id = booked(session, practice)
    assert pusher(db, settings).run().pushed == 1
    href = session.scalars(select(CalendarEvent.href)).one()
    assert href is not None

    def practice_edits() -> None:
        [text] = calendar.objects()
        edited = text.replace("Marie D.", "Marie D. (rappeler)")
        answer = radicale.http.put(href, data=edited.encode())
        assert answer.status_code in (200, 201, 204)

    practice_edits()
    reschedule(session, appointment_id, starts_at=TUESDAY_9 + timedelta(hours=1), now=NOW)
    session.commit()
    assert pusher(db, settings).run().conflicts == 1
    fresh(session)
    [conflict] = conflicts_of(session, appointment_id)
    assert conflict.their_start == TUESDAY_9  # the practice's copy, not yet moved
    assert "rappeler" in conflict.their_summary

    # Keep the practice's version: the flag goes, its calendar is left alone.
    resolve(session, appointment_id, conflict.event_id, keep_desk=False, now=NOW)
    session.commit()
    assert conflicts_of(session, appointment_id) == []
    assert pusher(db, settings).run().handled == 0
    assert "rappeler" in str(events_of(calendar)[0]["SUMMARY"])

    # Another edit, another move, this time the desk's version is written over it.
    reschedule(session, appointment_id, starts_at=TUESDAY_9 + timedelta(hours=2), now=NOW)
    session.commit()
    fresh(session)
    row = session.scalars(select(CalendarEvent)).one()
    row.state, row.etag = "conflict", '"stale"'
    session.commit()
    resolve(session, appointment_id, row.id, keep_desk=True, now=NOW)
    session.commit()
    assert pusher(db, settings).run().pushed == 1
    [event] = events_of(calendar)
    assert "rappeler" not in str(event["SUMMARY"])
    assert event["SEQUENCE"] == 2
    assert event.decoded("DTSTART").astimezone(UTC) == TUESDAY_9 + timedelta(hours=2)


def test_a_new_connection_receives_the_appointments_already_booked_ahead(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    kept = booked(session, practice)
    dropped = booked(session, practice, TUESDAY_9 + timedelta(hours=1))
    cancel(session, dropped, now=NOW)
    session.commit()
    calendar = dav_server.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id)
    assert pusher(db, settings).run().pushed == 1
    [event] = events_of(calendar)
    assert str(event["UID"]) == session.get(Appointment, kept).uid  # type: ignore[union-attr]
