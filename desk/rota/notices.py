"""Shift-start notices: a secretary hears (SMS or e-mail, her choice) when her duty starts
and when she is asked to replace someone, exactly once.

Who is on duty comes from the same segments routing and the rota page read. Each notice
has a key; the sweep inserts it once (a unique constraint) and claims it by
compare-and-set on `sent_at`, in the transaction that queues the outbox row: a second
scheduler or a crash never sends twice, and a restart never loses one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.base.words import WORDS, gettext_for
from desk.models import Client, DutyNotice, Override, Secretary, Shift
from desk.models.states import Channel, NoticeChannel
from desk.outbox.queue import enqueue
from desk.outbox.sms_text import clean
from desk.people.secretaries import secretary_locale
from desk.rota.gaps import segments
from desk.rota.week import duty_blocks

# A duty that started longer ago than this is not announced any more (the scheduler
# was down): a late "your duty starts" would only confuse.
LATE = timedelta(minutes=30)
LOOK_BACK = timedelta(hours=12)


def _claim(session: Session, secretary_id: int, key: str, now: datetime) -> bool:
    """True once per (secretary, key): insert the notice if new, then take it by CAS."""
    try:
        with session.begin_nested():
            session.add(DutyNotice(secretary_id=secretary_id, key=key, created_at=now))
    except IntegrityError:
        pass  # already there: maybe sent, maybe left unsent by a crash
    taken = session.execute(
        update(DutyNotice)
        .where(
            DutyNotice.secretary_id == secretary_id,
            DutyNotice.key == key,
            DutyNotice.sent_at.is_(None),
        )
        .values(sent_at=now)
    )
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]


def _send(session: Session, secretary: Secretary, code: str, **params: object) -> bool:
    text = gettext_for(secretary_locale(session, secretary))(WORDS[code]) % params
    if secretary.notify_by == NoticeChannel.EMAIL and secretary.email:
        enqueue(
            session,
            channel=Channel.EMAIL,
            recipient=secretary.email,
            subject=text[:120],
            body=text,
            kind="duty-notice",
        )
        return True
    if secretary.notify_by == NoticeChannel.SMS and secretary.phone:
        enqueue(
            session,
            channel=Channel.SMS,
            recipient=secretary.phone,
            body=clean(text),
            kind="duty-notice",
        )
        return True
    return False


def send_duty_notices(session: Session, now: datetime) -> int:
    """Queue the notices due at `now`; returns how many were queued. The caller commits."""
    sent = 0
    for client in session.scalars(select(Client).where(Client.active.is_(True))):
        tz = ZoneInfo(client.timezone)
        window = now - LOOK_BACK
        for duty in duty_blocks(segments(session, client, window, now + timedelta(days=1))):
            if not (now - LATE <= duty.start <= now) or duty.start == window:
                continue
            secretary = session.get(Secretary, duty.secretary_id)
            key = f"start:{client.id}:{duty.start.isoformat()}"
            if secretary is None or not _claim(session, secretary.id, key, now):
                continue
            sent += _send(
                session,
                secretary,
                "notice_duty_start",
                client=client.name,
                start=duty.start.astimezone(tz).strftime("%H:%M"),
                end=duty.end.astimezone(tz).strftime("%H:%M"),
            )
    sent += _replacement_notices(session, now)
    return sent


def _replacement_notices(session: Session, now: datetime) -> int:
    sent = 0
    rows = session.execute(
        select(Override, Shift.client_id)
        .outerjoin(Shift, Override.shift_id == Shift.id)
        .where(Override.ends_at > now)
        .order_by(Override.id)
    ).all()
    for override, shift_client in rows:
        client_id = override.client_id or shift_client
        client = session.get(Client, client_id) if client_id else None
        replacement = session.get(Secretary, override.replacement_secretary_id)
        original = session.get(Secretary, override.original_secretary_id)
        if replacement is None or original is None:
            continue
        if not _claim(session, replacement.id, f"override:{override.id}", now):
            continue
        tz = ZoneInfo(client.timezone if client else "Europe/Paris")
        sent += _send(
            session,
            replacement,
            "notice_replacement",
            name=original.name,
            client=client.name if client else "",
            start=override.starts_at.astimezone(tz).strftime("%d/%m %H:%M"),
            end=override.ends_at.astimezone(tz).strftime("%d/%m %H:%M"),
        )
    return sent


NOTIFY_CHANNELS = tuple(NoticeChannel)


def set_notify_by(session: Session, secretary_id: int, channel: str) -> Secretary:
    """Her choice of channel for duty notices."""
    secretary = session.get(Secretary, secretary_id)
    if secretary is None:
        raise NotFound("not_found")
    if channel not in NOTIFY_CHANNELS:
        raise DomainError("notice_bad_channel", field="notify_by")
    if channel == NoticeChannel.EMAIL and not secretary.email:
        raise DomainError("notice_no_email", field="notify_by")
    secretary.notify_by = channel
    session.flush()
    return secretary
