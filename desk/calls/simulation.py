"""Playing Twilio against the desk: the signed webhooks Twilio would post for one call.

Shared by `desk simulate call` (over HTTP, printing each step) and the web desk's
Simulator page (through the app itself). It follows the TwiML it gets back: screening
legs, dial results, the recording, the final status. No Flask, no HTTP library here: the
caller passes how to post (`Transport`) and gets every exchange back as a `Step`.
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from twilio.request_validator import RequestValidator

from desk.base.phone import normalise

ANSWERS = ("accept", "decline", "no-answer")
MAX_TURNS = 25

# (path with query, form, headers) -> (HTTP status, body)
Transport = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]


class SimulationError(Exception):
    """The desk answered something Twilio could not follow (an HTTP error, a foreign URL)."""


@dataclass(frozen=True)
class Step:
    """One thing that happened: a webhook posted and its TwiML, or a note (who rang...)."""

    kind: str  # "post" or "note"
    path: str = ""
    twiml: str = ""
    note: str = ""
    number: str = ""  # for a ringing note: the phone rung
    answer: str = ""  # and what it did


@dataclass
class Simulator:
    """Posts webhooks signed for `public` (the URL Twilio would use) through `send`."""

    public: str
    token: str
    send: Transport
    at: datetime | None = None
    on_step: Callable[[Step], None] | None = None
    steps: list[Step] = field(default_factory=list)

    def record(self, step: Step) -> None:
        self.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)

    def post(self, url: str, params: dict[str, str]) -> ET.Element:
        """POST to an absolute public URL (as found in TwiML) or a path."""
        public = self.public.rstrip("/")
        if url.startswith("/"):
            url = public + url
        if not url.startswith(public):
            raise SimulationError(f"TwiML points outside this desk: {url}")
        # Marks the call simulated (webhooks/voice.py reads it at the first webhook): kept
        # out of invoices, missions, payouts and reports.
        params = {**params, "DeskSimulated": "1"}
        if self.at is not None:
            params = {**params, "DeskSimulatedTime": self.at.isoformat()}
        signature = RequestValidator(self.token).compute_signature(url, params)
        path = url[len(public) :]
        status, body = self.send(path, params, {"X-Twilio-Signature": signature})
        if status != 200:
            raise SimulationError(f"{path}: HTTP {status}")
        self.record(Step("post", path=path, twiml=body))
        return ET.fromstring(body)


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


WITHHELD = ("anonymous", "restricted", "unknown")


def e164(number: str, *, withheld_ok: bool = False) -> str:
    """The number as Twilio would send it (E.164), typed in any French form."""
    if withheld_ok and number.strip().lower() in WITHHELD:
        return number.strip().lower()
    return normalise(number)  # InvalidPhoneNumber is a DomainError: the edges translate it


def call_params(call_sid: str, to: str, caller: str) -> dict[str, str]:
    """The form fields Twilio sends on every webhook of an inbound call."""
    return {
        "AccountSid": "AC" + "0" * 32,
        "CallSid": call_sid,
        "To": to,
        "Called": to,
        "From": caller,
        "Caller": caller,
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }


def run_call(
    sim: Simulator,
    to: str,
    caller: str,
    answers: str | Sequence[str],
    *,
    hang_up: bool = True,
    call_sid: str | None = None,
) -> str:
    """Play one call; return how it ended ("answered", "voicemail", "hung up").

    `answers`: one answer for every step of ringing, or one per step (the last repeats).
    With `hang_up=False` an answered call is left in progress (the secretary is "on the
    line"): `hang_up_call` ends it later.
    """
    steps = [answers] if isinstance(answers, str) else list(answers) or ["no-answer"]
    base = call_params(call_sid or new_sid("CA"), e164(to), e164(caller, withheld_ok=True))
    root = sim.post("/webhooks/voice/incoming", {**base, "CallStatus": "ringing"})
    outcome = "hung up"
    for turn in range(MAX_TURNS):
        dial, record, enqueue = root.find("Dial"), root.find("Record"), root.find("Enqueue")
        if enqueue is not None:
            root = _wait_in_queue(sim, base, enqueue)
            continue
        if dial is not None:
            answer = steps[min(turn, len(steps) - 1)]
            root, outcome = _ring(sim, base, dial, to, answer)
            if outcome == "answered":
                break
            continue
        if record is not None:
            _leave_voicemail(sim, base, record)
            outcome = "voicemail"
        break
    if hang_up or outcome != "answered":
        hang_up_call(sim, base["CallSid"], to, caller)
    return outcome


def hang_up_call(sim: Simulator, call_sid: str, to: str, caller: str) -> None:
    """Twilio's final status callback: the call is over."""
    params = call_params(call_sid, to, caller)
    sim.post("/webhooks/voice/status", {**params, "CallStatus": "completed", "CallDuration": "75"})


def _ring(
    sim: Simulator, base: dict[str, str], dial: ET.Element, desk_number: str, answer: str
) -> tuple[ET.Element, str]:
    accepted_leg = ""
    last_leg = new_sid("CA")
    for number in dial.findall("Number"):
        phone = number.text or ""
        sim.record(Step("note", note=f"ringing {phone}: {answer}", number=phone, answer=answer))
        if answer == "no-answer" or accepted_leg:
            continue
        leg = last_leg = new_sid("CA")
        leg_params = {
            "AccountSid": base["AccountSid"],
            "CallSid": leg,
            "ParentCallSid": base["CallSid"],
            "From": desk_number,
            "To": phone,
            "Direction": "outbound-dial",
            "CallStatus": "in-progress",
        }
        screen = sim.post(number.get("url", "/webhooks/voice/screen"), leg_params)
        gather = screen.find("Gather")
        if gather is None:
            continue
        digits = "1" if answer == "accept" else "9"
        result = sim.post(gather.get("action", ""), {**leg_params, "Digits": digits})
        if answer == "accept" and result.find("Hangup") is None:
            accepted_leg = leg
    params = {
        **base,
        "CallStatus": "in-progress",
        "DialCallSid": accepted_leg or last_leg,
        "DialCallStatus": "no-answer" if answer == "no-answer" else "completed",
        "DialBridged": "true" if accepted_leg else "false",
        "DialCallDuration": "60" if accepted_leg else "0",
    }
    root = sim.post(dial.get("action", ""), params)
    return root, ("answered" if accepted_leg else "no-answer")


# Longer than any client's maximum wait: the simulated caller waits it out. (Offers from
# the queue come by Twilio's REST API, which a simulation against the desk has not got.)
WAITED_OUT_SECONDS = 86_400


def _wait_in_queue(sim: Simulator, base: dict[str, str], enqueue: ET.Element) -> ET.Element:
    """Held in <Enqueue>: one turn of the wait (her position), then past the client's
    maximum wait (<Leave/>), then the <Enqueue action>'s TwiML (voicemail)."""
    sim.record(Step("note", note=f"held in the queue {enqueue.text or ''}".strip()))
    wait_url = enqueue.get("waitUrl", "")
    waiting = {**base, "CallStatus": "in-progress", "QueueSid": new_sid("QU")}
    sim.post(wait_url, {**waiting, "QueueTime": "0", "QueuePosition": "1"})
    sim.post(wait_url, {**waiting, "QueueTime": str(WAITED_OUT_SECONDS)})
    return sim.post(
        enqueue.get("action", ""),
        {**waiting, "QueueResult": "leave", "QueueTime": str(WAITED_OUT_SECONDS)},
    )


def _leave_voicemail(sim: Simulator, base: dict[str, str], record: ET.Element) -> None:
    recording_sid = new_sid("RE")
    recording = {
        "RecordingSid": recording_sid,
        "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{base['AccountSid']}"
        f"/Recordings/{recording_sid}",
        "RecordingDuration": "12",
    }
    sim.record(Step("note", note="the caller leaves a 12-second message"))
    sim.post(record.get("action", ""), {**base, **recording, "Digits": "hangup"})
    callback = record.get("recordingStatusCallback")
    if callback:
        sim.post(callback, {**base, **recording, "RecordingStatus": "completed"})
