"""The practitioner's own events, read from a real Radicale and Xandikos, block her slots:
a one-off event, a recurring one, one written in another time zone; the desk's own pushed
events are not counted twice; a failed pull keeps the last good busy times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.db import Database
from desk.cli import main
from desk.jobs import JOBS, JobContext
from desk.jobs.calendars import pull as pull_job
from desk.models import CalendarBusy
from scheduling.availability import availability
from scheduling.booking import book
from scheduling.calendars.connections import list_connections
from scheduling.calendars.pull import pull
from scheduling.calendars.push import Pusher
from tests.helpers.appointments import NOW, Practice, make_practice
from tests.helpers.caldav_servers import Calendar, DavServer, calendar_settings, connect_calendar

TUESDAY = datetime(2027, 3, 2, tzinfo=UTC)


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    """March 2027, Paris wall time (UTC+1) as UTC."""
    return datetime(2027, 3, day, hour - 1, minute, tzinfo=UTC)


def event(uid: str, start: str, end: str, *extra: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Practice//Calendar app//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20270201T120000Z",
        start,
        end,
        "SUMMARY:Réunion",
        *extra,
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def slots(session: Session, practice: Practice, day: datetime) -> list[datetime]:
    session.rollback()
    session.expire_all()
    found = availability(session, **practice.ids, start=day, end=day + timedelta(days=1), now=NOW)
    return [slot.starts_at for slot in found]


def setup(
    db: Database, session: Session, tmp_path: Path, server: DavServer
) -> tuple[Practice, Calendar, Settings]:
    settings = calendar_settings(db.url, tmp_path)
    practice = make_practice(session)
    calendar = server.new_calendar()
    connect_calendar(session, settings, calendar, practice.client.id, practice.practitioner.id)
    return practice, calendar, settings


def test_an_event_the_practice_adds_blocks_the_slot(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    practice, calendar, settings = setup(db, session, tmp_path, dav_server)
    assert paris(2, 10) in slots(session, practice, TUESDAY)
    calendar.put(
        "meeting",
        event(
            "meeting-1@practice",
            "DTSTART;TZID=Europe/Paris:20270302T100000",
            "DTEND;TZID=Europe/Paris:20270302T110000",
        ).replace(
            "BEGIN:VEVENT",
            "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000"
            "\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=10;"
            "BYDAY=-1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n"
            "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"
            "\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT",
        ),
    )
    result = pull(db, settings, NOW)
    assert (result.pulled, result.failed, result.busy) == (1, 0, 1)
    free = slots(session, practice, TUESDAY)
    assert paris(2, 10) not in free and paris(2, 10, 30) not in free
    assert paris(2, 9, 30) in free and paris(2, 11) in free
    [view] = list_connections(session)
    assert view.last_pull_at == NOW and view.last_error is None


def test_a_recurring_event_blocks_every_occurrence(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    practice, calendar, settings = setup(db, session, tmp_path, dav_server)
    calendar.put(
        "staff",
        event(
            "staff-weekly@practice",
            "DTSTART:20270223T140000Z",  # 15:00 Paris, every Tuesday
            "DTEND:20270223T150000Z",
            "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=10",
        ),
    )
    pull(db, settings, NOW)
    for day in (2, 9, 16):
        free = slots(session, practice, datetime(2027, 3, day, tzinfo=UTC))
        assert paris(day, 15) not in free and paris(day, 15, 30) not in free
        assert paris(day, 14, 30) in free and paris(day, 16) in free


def test_an_event_written_in_another_time_zone_blocks_the_right_hour(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    practice, calendar, settings = setup(db, session, tmp_path, radicale)
    # 05:00 in New York (UTC-5 on 2 March) is 11:00 in Paris. The file carries no
    # VTIMEZONE: the IANA name alone is read with its real rules.
    calendar.put(
        "call",
        event(
            "call-ny@practice",
            "DTSTART;TZID=America/New_York:20270302T050000",
            "DTEND;TZID=America/New_York:20270302T053000",
        ),
    )
    pull(db, settings, NOW)
    free = slots(session, practice, TUESDAY)
    assert paris(2, 11) not in free
    assert paris(2, 10, 30) in free and paris(2, 11, 30) in free


def test_the_desks_own_pushed_events_are_not_counted_twice(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    practice, calendar, settings = setup(db, session, tmp_path, dav_server)
    book(session, **practice.ids, starts_at=paris(2, 9), patient_name="Marie Dupont", now=NOW)
    session.commit()
    assert Pusher(db, settings, clock=lambda: NOW).run().pushed == 1
    assert len(calendar.objects()) == 1
    assert pull(db, settings, NOW).busy == 0
    assert session.scalar(select(func.count()).select_from(CalendarBusy)) == 0


def test_a_failed_pull_keeps_the_last_busy_times_and_says_why(
    db: Database, session: Session, tmp_path: Path, own_radicale: DavServer
) -> None:
    practice, calendar, settings = setup(db, session, tmp_path, own_radicale)
    calendar.put(
        "meeting",
        event("m@practice", "DTSTART:20270302T090000Z", "DTEND:20270302T100000Z"),
    )
    assert pull(db, settings, NOW).busy == 1
    own_radicale.stop()
    assert pull(db, settings, NOW + timedelta(minutes=5)).failed == 1
    assert paris(2, 10) not in slots(session, practice, TUESDAY)
    [view] = list_connections(session)
    assert view.state == "failing" and view.last_error == "calendar_unreachable"
    assert view.last_pull_at == NOW


def test_the_pull_job_runs_every_pull_minutes_and_sync_does_both_now(
    db: Database, session: Session, tmp_path: Path, radicale: DavServer
) -> None:
    practice, calendar, settings = setup(db, session, tmp_path, radicale)
    [job] = [job for job in JOBS if job.id == "calendar-pull"]
    assert job.seconds(settings) == 300
    calendar.put(
        "meeting",
        event("m@practice", "DTSTART:20270302T090000Z", "DTEND:20270302T100000Z"),
    )
    context = JobContext(settings, db, "test", clock=lambda: NOW)
    assert pull_job(context) == {"pulled": 1, "failed": 0, "busy": 1}

    book(session, **practice.ids, starts_at=paris(3, 9), patient_name="Marie Dupont", now=NOW)
    session.commit()
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DESK_CALENDARS_TRUSTED_NETWORKS": "127.0.0.0/8",
    }
    result = CliRunner().invoke(
        main, ["calendar", "sync", "--client", practice.client.slug, "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    # The command's clock is the system's: the push goes now, the pull reads from today.
    assert (counts["pushed"], counts["pulled"], counts["failed"]) == (1, 1, 0)
    assert len(calendar.objects()) == 2


def test_later_pulls_read_only_what_changed(
    db: Database, session: Session, tmp_path: Path, dav_server: DavServer
) -> None:
    practice, calendar, settings = setup(db, session, tmp_path, dav_server)
    calendar.put("a", event("a@practice", "DTSTART:20270302T090000Z", "DTEND:20270302T100000Z"))
    first = pull(db, settings, NOW)
    assert (first.full, first.busy) == (1, 1)

    calendar.put("b", event("b@practice", "DTSTART:20270302T130000Z", "DTEND:20270302T140000Z"))
    second = pull(db, settings, NOW + timedelta(minutes=5))
    assert (second.full, second.busy) == (0, 1)  # the new object alone was read
    free = slots(session, practice, TUESDAY)
    assert paris(2, 10) not in free and paris(2, 14) not in free

    answer = dav_server.http.delete(f"{calendar.url}a.ics")
    assert answer.status_code in (200, 204)
    third = pull(db, settings, NOW + timedelta(minutes=10))
    assert (third.full, third.busy) == (0, 0)
    free = slots(session, practice, TUESDAY)
    assert paris(2, 10) in free and paris(2, 14) not in free
    # A day on, the window has moved: the whole of it is read again.
    assert pull(db, settings, NOW + timedelta(days=1, minutes=1)).full == 1
