from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Appointment, Client, Practitioner
from desk.request_context import database_of
from scheduling import feed_parts
from scheduling.booking import book, cancel, reschedule
from scheduling.feeds import (
    build_feed,
    build_feed_full,
    clear_cache,
    feed_state,
    fill_missing_parts,
)
from scheduling.tokens import create_feed_token, revoke_feed_token
from tests.helpers.appointments import NOW, Practice, make_practice
from tests.helpers.feeds import book_into as _book
from tests.helpers.feeds import feed_practice as _setup

MONDAY_9 = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)


def _events(body: bytes) -> list[tuple[str, int, datetime, str]]:
    cal = icalendar.Calendar.from_ical(body)
    return sorted(
        (str(e["uid"]), int(e["sequence"]), e.decoded("dtstart"), str(e["summary"]))
        for e in cal.walk("VEVENT")
    )


def _vobject_events(body: bytes) -> list[tuple[str, int, datetime, str]]:
    cal = vobject.readOne(body.decode())
    return sorted(
        (e.uid.value, int(e.sequence.value), e.dtstart.value, e.summary.value)
        for e in cal.vevent_list
    )


def test_the_feed_parses_the_same_with_icalendar_and_vobject(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, url = _setup(db, app)
    _book(db, practice, MONDAY_9, "Marie Dupont", patient_phone="0612345678")
    _book(db, practice, MONDAY_9 + timedelta(hours=1), "Jean-Luc Roux")
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = _events(response.data)
    assert events == _vobject_events(response.data)
    by_start = sorted(events, key=lambda e: e[2])
    assert [e[3] for e in by_start] == ["Consultation – Marie D.", "Consultation – Jean-Luc R."]
    assert by_start[0][2] == MONDAY_9  # 09:00 Paris
    assert b"0612345678" not in response.data and b"+33612345678" not in response.data
    cal = icalendar.Calendar.from_ical(response.data)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert cal["refresh-interval"] and cal["x-published-ttl"] and cal["x-wr-calname"]


def test_the_phone_shows_only_when_the_client_opts_in(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, url = _setup(db, app, feed_show_phone=True, privacy_mode=False)
    _book(db, practice, MONDAY_9, "Marie Dupont", patient_phone="0612345678")
    event = icalendar.Calendar.from_ical(client.get(url).data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Consultation – Marie Dupont"
    assert "+33612345678" in str(event["description"])


def test_a_reschedule_keeps_the_uid_with_a_higher_sequence_and_a_cancel_disappears(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, url = _setup(db, app)
    first = _book(db, practice, MONDAY_9, "Marie Dupont")
    second = _book(db, practice, MONDAY_9 + timedelta(hours=1), "Jean Roux")
    before = {e[0]: e for e in _events(client.get(url).data)}
    with db.session() as s:
        reschedule(s, first, starts_at=MONDAY_9 + timedelta(hours=2), now=NOW + timedelta(1))
        cancel(s, second, now=NOW + timedelta(1))
    after = _events(client.get(url).data)
    assert len(after) == 1
    uid, sequence, start, _ = after[0]
    assert before[uid][1] < sequence and start == MONDAY_9 + timedelta(hours=2)


def test_an_unchanged_feed_answers_304_and_a_changed_one_200(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, url = _setup(db, app)
    first = _book(db, practice, MONDAY_9, "Marie Dupont")
    response = client.get(url)
    etag = response.headers["ETag"]
    assert response.last_modified is not None
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url).data == response.data  # byte-stable
    with db.session() as s:
        cancel(s, first, now=NOW + timedelta(minutes=5))
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    with db.session() as s:
        s.execute(update(Client).values(feed_show_phone=True))
    assert client.get(url, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 200


def test_head_answers_like_get_without_a_body(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _, url = _setup(db, app)
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == client.get(url).headers["ETag"]


def test_a_revoked_or_unknown_token_is_404_at_once(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    _, url = _setup(db, app)
    assert client.get(url).status_code == 200
    token = url.removeprefix("/feeds/").removesuffix(".ics")
    with db.session() as s:
        revoke_feed_token(s, token, NOW)
    assert client.get(url).status_code == 404
    assert client.get("/feeds/nope.ics").status_code == 404


def test_a_patient_name_cannot_break_the_feed(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, url = _setup(db, app, privacy_mode=False)
    appt_id = _book(db, practice, MONDAY_9, "Marie Dupont")
    evil = "Eve\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged\r\nSUMMARY:forged"
    with db.session() as s:  # bypass the booking's clean-up: the feed must hold on its own
        s.execute(update(Appointment).where(Appointment.id == appt_id).values(patient_name=evil))
    body = client.get(url).data
    events = _events(body)
    assert len(events) == 1 and len(_vobject_events(body)) == 1
    assert "forged" not in events[0][0]
    # The text survives as text, on one line: a name holds no line break (issue 26).
    assert events[0][3] == "Consultation – " + " ".join(evil.split())


def test_the_feed_from_kept_parts_is_byte_identical_to_a_full_rebuild(db: Database) -> None:
    with db.session() as s:
        practice = make_practice(s)
        token = create_feed_token(s, practice.client.id, practice.practitioner.id, NOW)
        ids = [
            book(
                s,
                **practice.ids,
                starts_at=MONDAY_9 + timedelta(hours=h),
                patient_name=f"P {h}",
                now=NOW,
            ).id
            for h in (0, 1, 2, 6, 7)
        ]
        clear_cache()
        state = feed_state(s, token, NOW)
        assert build_feed(s, token, state) == build_feed_full(s, token, state)
        reschedule(s, ids[0], starts_at=MONDAY_9 + timedelta(days=1), now=NOW + timedelta(1))
        state = feed_state(s, token, NOW)
        kept = build_feed(s, token, state)  # four parts from the cache, one rebuilt
        assert kept == build_feed_full(s, token, state)
        assert len(icalendar.Calendar.from_ical(kept).walk("VEVENT")) == 5


def test_stored_parts_serve_a_fresh_process_without_rebuilding_any_event(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.session() as s:
        practice = make_practice(s)
        token = create_feed_token(s, practice.client.id, None, NOW)
        for h in (0, 1, 2):
            book(
                s,
                **practice.ids,
                starts_at=MONDAY_9 + timedelta(hours=h),
                patient_name="A B",
                now=NOW,
            )
    with db.session() as s:
        first = build_feed(s, token, feed_state(s, token, NOW))  # builds and stores the parts
    clear_cache()  # a fresh worker: nothing in this process's memory

    def no_rebuild(*_: object) -> None:
        raise AssertionError("an event was rebuilt although its stored part is current")

    monkeypatch.setattr(feed_parts, "event_for", no_rebuild)
    with db.session() as s:
        again = build_feed(s, token, feed_state(s, token, NOW))
    monkeypatch.undo()
    with db.session() as s:
        assert again == first == build_feed_full(s, token, feed_state(s, token, NOW))


def test_a_part_goes_stale_with_any_change_its_text_shows(db: Database) -> None:
    with db.session() as s:
        practice = make_practice(s)
        token = create_feed_token(s, practice.client.id, None, NOW)
        appt_id = book(
            s, **practice.ids, starts_at=MONDAY_9, patient_name="Marie Dupont", now=NOW
        ).id
    changes = [
        # a bulk edit that forgets updated_at; an ORM edit that forgets it too
        lambda s: s.execute(
            update(Appointment).where(Appointment.id == appt_id).values(patient_name="Léa Martin")
        ),
        lambda s: (
            setattr(s.get(Appointment, appt_id), "notes", "x")
            or setattr(s.get(Client, practice.client.id), "privacy_mode", False)
        ),
        # names the text shows, on other rows
        lambda s: setattr(practice_row(s, practice), "name", "Dr Nouveau"),
    ]
    for change in changes:
        with db.session() as s:
            build_feed(s, token, feed_state(s, token, NOW))
        with db.session() as s:
            change(s)
        with db.session() as s:
            state = feed_state(s, token, NOW)
            assert build_feed(s, token, state) == build_feed_full(s, token, state)
    with db.session() as s:
        body = build_feed(s, token, feed_state(s, token, NOW)).decode()
    assert "Léa Martin" in body and "Dr Nouveau" in body


def practice_row(s: Session, practice: Practice) -> Practitioner:
    row = s.get(Practitioner, practice.practitioner.id)
    assert row is not None
    return row


def test_missing_parts_are_built_ahead_of_the_feed_request(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.session() as s:
        practice = make_practice(s)
        token = create_feed_token(s, practice.client.id, None, NOW)
        for h in (0, 1, 2):
            book(
                s,
                **practice.ids,
                starts_at=MONDAY_9 + timedelta(hours=h),
                patient_name="A B",
                now=NOW,
            )
    with db.session() as s:
        assert fill_missing_parts(s, NOW, limit=2) == 2
    with db.session() as s:
        assert fill_missing_parts(s, NOW) == 1
        assert fill_missing_parts(s, NOW) == 0
    monkeypatch.setattr(feed_parts, "event_for", lambda *_: pytest.fail("rebuilt in a request"))
    with db.session() as s:
        body = build_feed(s, token, feed_state(s, token, NOW))
    monkeypatch.undo()
    with db.session() as s:
        assert body == build_feed_full(s, token, feed_state(s, token, NOW))


def test_a_304_runs_one_statement_whatever_the_feed_size(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    practice, url = _setup(db, app)
    for h in range(6):
        _book(db, practice, MONDAY_9 + timedelta(minutes=30 * h), f"Patient {h}")
    etag = client.get(url).headers["ETag"]
    seen: list[str] = []
    engine = database_of(app).engine
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert [s.split()[0] for s in seen if s.split()[0] not in ("BEGIN", "COMMIT")] == ["SELECT"]
