"""A feed's ETag moves with every change the feed shows, and only then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from desk.base.db import Database
from desk.models import Appointment, FeedToken, Practitioner
from desk.models.feed_version import FEED_UNCHANGED
from scheduling.booking import book, cancel
from tests.conftest import pin_clock
from tests.helpers.appointments import NOW, make_practice

MONDAY_9 = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)


def _setup(db: Database) -> tuple[str, int, int]:
    with db.session() as s:
        practice = make_practice(s)
        s.add(FeedToken(client_id=practice.client.id, token="tok-feed-version"))
        appt = book(s, **practice.ids, starts_at=MONDAY_9, patient_name="Marie Dupont", now=NOW)
        return "/feeds/tok-feed-version.ics", appt.id, practice.practitioner.id


def _etag(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"]


def test_unchanged_feed_is_304_and_each_visible_change_gives_a_new_etag(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    pin_clock(app, NOW)
    url, appt_id, practitioner_id = _setup(db)
    first = _etag(client, url)
    assert client.get(url, headers={"If-None-Match": first}).status_code == 304

    with db.session() as s:  # renaming the practitioner changes every SUMMARY/DESCRIPTION
        s.get(Practitioner, practitioner_id).name = "Dr Paul Martin-Roy"  # type: ignore[union-attr]
    second = _etag(client, url)
    assert second != first

    with db.session() as s:  # a bulk ORM update is seen too
        s.execute(update(Appointment).where(Appointment.id == appt_id).values(notes="x"))
    third = _etag(client, url)
    assert third != second

    with db.session() as s:
        cancel(s, appt_id, now=NOW, actor="test", reason="test")
    assert _etag(client, url) != third


def test_marking_a_reminder_sent_does_not_change_the_feed(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    pin_clock(app, NOW)
    url, appt_id, _ = _setup(db)
    before = _etag(client, url)
    with db.session() as s:
        s.execute(
            update(Appointment)
            .where(Appointment.id == appt_id)
            .values(reminder_sent_at=NOW + timedelta(days=6))
            .execution_options(**{FEED_UNCHANGED: True})
        )
    assert client.get(url, headers={"If-None-Match": before}).status_code == 304


def test_a_bulk_update_not_said_neutral_changes_the_feed(
    db: Database, app: Flask, client: FlaskClient
) -> None:
    pin_clock(app, NOW)
    url, appt_id, _ = _setup(db)
    before = _etag(client, url)
    with db.session() as s:
        s.execute(update(Appointment).where(Appointment.id == appt_id).values(notes="Allergie"))
    assert client.get(url, headers={"If-None-Match": before}).status_code == 200
