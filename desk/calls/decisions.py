"""What the voice webhooks do with a caller: a `Decision`, and the pure rules that make one.

No database and no Flask: `desk.calls.new_call` and `desk.calls.routing` decide with
these, the webhooks render the Decision as TwiML (`webhooks/twiml.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol


class Action(StrEnum):
    """What a Decision tells the webhooks to do with the caller."""

    DIAL = "dial"
    VOICEMAIL = "voicemail"
    AFTER_HOURS = "after-hours"
    NOT_IN_SERVICE = "not-in-service"
    HANGUP = "hangup"
    ENQUEUE = "enqueue"  # nobody eligible is free: hold the caller


# Module names the webhooks import.
DIAL = Action.DIAL
VOICEMAIL = Action.VOICEMAIL
AFTER_HOURS = Action.AFTER_HOURS
NOT_IN_SERVICE = Action.NOT_IN_SERVICE
HANGUP = Action.HANGUP
ENQUEUE = Action.ENQUEUE


class CallClient(Protocol):
    """What a call reads of its client: a `Client`, or a row of these columns."""

    id: int
    name: str
    greeting: str
    locale: str
    timezone: str
    holiday_policy: str
    holiday_country: str
    after_hours_mode: str
    after_hours_message: str
    queue_max_wait_seconds: int
    ring_pair_together: bool


@dataclass(frozen=True)
class Decision:
    """What to do with the caller now; the webhooks turn it into TwiML."""

    action: Action
    client_name: str = ""
    greeting: str = ""
    locale: str = "fr"
    numbers: tuple[str, ...] = ()
    step: int = 0
    message: str = ""  # said before recording (after hours)
    queue: str = ""  # the Twilio queue a held caller waits in


def after_hours(client: CallClient) -> Decision:
    message = client.after_hours_message if client.after_hours_mode == "message" else ""
    return Decision(AFTER_HOURS, client.name, locale=client.locale, message=message)


def step_to_ring(
    plan: list[Any], position: int, phones: dict[int, str]
) -> tuple[int, dict[int, str]]:
    """The first step from `position` with someone to ring, and whom (id -> phone); past
    the plan's end and nobody when none is left. A secretary without a phone in `phones`
    (deleted since the plan was made) is skipped: never fail the caller."""
    while position < len(plan):
        ringing = {int(i): phones[int(i)] for i in plan[position] if int(i) in phones}
        if ringing:
            return position, ringing
        position += 1
    return position, {}


def dial(client: CallClient, position: int, ringing: dict[int, str], greet: bool) -> Decision:
    greeting = (client.greeting or client.name) if greet else ""
    if ringing:
        numbers = tuple(ringing.values())
        return Decision(DIAL, client.name, greeting, client.locale, numbers, position)
    return Decision(VOICEMAIL, client.name, greeting, client.locale, step=position)
