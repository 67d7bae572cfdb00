"""What the virtual Twilio keeps of each call (a caller's line, a secretary's leg) and of
each virtual secretary, and how long the things a caller hears last."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desk.rehearsal.callers import Caller

# Spoken words per second of a <Say> (a calm French voice).
WORDS_PER_SECOND = 2.5
# A <Play> of hold music: its length is unknown here.
PLAY_SECONDS = 30.0
# A free secretary's phone rings this long before she picks up.
PICK_UP_SECONDS = 4.0
# She presses 1 this long after the prompt ends.
KEY_SECONDS = 1.0
# A voicemail left by a caller.
VOICEMAIL_SECONDS = 20.0
# A <Gather> without a timeout waits this long (Twilio's default).
GATHER_TIMEOUT = 5.0


class Phase(StrEnum):
    CALLING = "calling"  # hearing TwiML (greeting, voicemail prompt…)
    HELD = "held"  # in an <Enqueue>, hearing the waitUrl's TwiML
    RINGING = "ringing"  # in a <Dial>, nobody bridged yet
    TALKING = "talking"  # bridged to a secretary
    RECORDING = "recording"  # leaving a voicemail
    ENDED = "ended"


class Outcome(StrEnum):
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    VOICEMAIL = "voicemail"
    CALLBACK = "callback"
    OTHER = "other"  # hung up by the desk with neither (a number not in service…)


def say_seconds(verb: ET.Element) -> float:
    words = len((verb.text or "").split())
    return max(1.0, words / WORDS_PER_SECOND)


def verb_seconds(verb: ET.Element) -> float:
    """How long a Say, Play or Pause lasts."""
    if verb.tag == "Say":
        return say_seconds(verb)
    if verb.tag == "Play":
        loops = int(verb.get("loop", "1") or 1)
        return PLAY_SECONDS * max(loops, 1)
    if verb.tag == "Pause":
        return float(verb.get("length", "1") or 1)
    return 0.0


@dataclass
class Leg:
    """A secretary's leg of a <Dial>."""

    sid: str
    phone: str
    number: ET.Element
    rung_at: datetime
    free: bool  # her virtual phone was free when it rang
    ended_at: datetime | None = None
    answered: bool = False
    bridged: bool = False


@dataclass
class Line:
    """A caller's call."""

    sid: str
    caller: Caller
    arrived_at: datetime
    phase: Phase = Phase.CALLING
    # Bumped when what she hears is cut (a redirect, a hang-up): older timers are void.
    version: int = 0
    wait_url: str = ""
    enqueue_action: str = ""
    queue: str = ""
    queue_sid: str = ""
    enqueued_at: datetime | None = None
    held_seconds: float = 0.0
    gives_up_at: datetime | None = None
    pressed: str = ""
    answered_at: datetime | None = None
    recorded: bool = False
    abandoned: bool = False
    legs: list[Leg] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        if self.answered_at is not None:
            return Outcome.ANSWERED
        if self.abandoned:
            return Outcome.ABANDONED
        if self.recorded:
            return Outcome.VOICEMAIL
        if self.pressed == "2":
            return Outcome.CALLBACK
        return Outcome.OTHER


@dataclass
class Agent:
    """A virtual secretary, known by the phone the desk rings: one call at a time."""

    phone: str
    line: str = ""  # the CallSid of the caller whose leg holds her phone
    rung: int = 0
    answered: int = 0


@dataclass(frozen=True)
class Overlap:
    """The desk rang a virtual secretary already holding another call (never should)."""

    phone: str
    call_sid: str
    busy_with: str
    at: datetime
