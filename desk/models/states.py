"""The states rows go through, as `StrEnum`s stored as the strings they always were.

Columns stay `String`: a member *is* its string (`CallOutcome.ANSWERED == "answered"`),
so rows written before the enums read back unchanged and no data migration is needed.
Code names members, never the loose strings.
"""

from __future__ import annotations

from enum import StrEnum


class CallOutcome(StrEnum):
    """How a call ended (`Call.outcome`)."""

    IN_PROGRESS = "in-progress"
    ANSWERED = "answered"
    VOICEMAIL = "voicemail"
    MISSED = "missed"
    AFTER_HOURS = "after-hours"
    NOT_IN_SERVICE = "not-in-service"


class AttemptOutcome(StrEnum):
    """What one secretary's leg did (`CallAttempt.outcome`)."""

    RINGING = "ringing"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_KEY = "no-key"  # picked up (or her voicemail did) but pressed nothing
    NO_ANSWER = "no-answer"
    BUSY = "busy"
    FAILED = "failed"
    COMPLETED = "completed"


class MessageSource(StrEnum):
    """Where a message came from (`Message.source`)."""

    SECRETARY = "secretary"  # taken on the desk
    VOICEMAIL = "voicemail"
    SMS = "sms"  # a reply received by SMS


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class OutboxState(StrEnum):
    """pending -> sending -> sent -> delivered | undelivered; failed (permanent or out of
    tries); skipped (recipient opted out)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    SKIPPED = "skipped"


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class AbsenceKind(StrEnum):
    LEAVE = "leave"
    SICK = "sick"
    OTHER = "other"


class NoticeChannel(StrEnum):
    """How a secretary hears that her duty starts or that she replaces someone."""

    SMS = "sms"
    EMAIL = "email"
    NONE = "none"


class PresenceState(StrEnum):
    """A secretary's state on the desk (`Presence.state`), derived from her call legs."""

    AVAILABLE = "available"
    RINGING = "ringing"  # offered a call: claimed by a compare-and-set
    ON_CALL = "on_call"
    WRAPPING_UP = "wrapping_up"  # after a call, until `Presence.until`
    ON_BREAK = "on_break"


class WaitingState(StrEnum):
    """A caller held in the queue (`WaitingCall.state`)."""

    WAITING = "waiting"
    OFFERED = "offered"  # a secretary is being rung for her
    TAKEN = "taken"
    MESSAGE = "message"  # pressed 1, or waited past the client's maximum: voicemail
    CALLBACK = "callback"  # pressed 2: a callback request
    ABANDONED = "abandoned"  # hung up while waiting
