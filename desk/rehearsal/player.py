"""The virtual Twilio: plays each caller's call against the desk's signed webhooks and
interprets the TwiML it gets back (parsed, never matched as text), in virtual time.

Verbs: Say, Play, Pause (their length estimated), Gather (a held caller presses her key
after the announcement; a secretary presses 1), Dial with Numbers (each Number's `url`
screens the secretary's leg; its `statusCallback` hears answered and the leg's end),
Enqueue (the waitUrl asked again each time its TwiML ends, with QueueTime and
QueuePosition; the action asked when she leaves), Leave, Redirect, Record (a voicemail,
its action and recordingStatusCallback), Hangup; then the parent call's status callback.
The desk's REST requests (`desk.rehearsal.rest`) redirect a held caller to an offer.

A virtual secretary takes one call at a time: rung while free, she picks up and presses 1;
rung while holding another call (which the desk must never do), she does not answer and
the overlap is noted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from desk.calls.simulation import Simulator, call_params, new_sid
from desk.rehearsal.callers import Caller
from desk.rehearsal.clock import EventLoop
from desk.rehearsal.lines import (
    GATHER_TIMEOUT,
    KEY_SECONDS,
    PICK_UP_SECONDS,
    VOICEMAIL_SECONDS,
    Agent,
    Leg,
    Line,
    Overlap,
    Phase,
    verb_seconds,
)
from desk.rehearsal.rest import ACCOUNT, Redirect, RestServer

# Between the end of a waitUrl's TwiML and Twilio asking it again.
WAIT_AGAIN_SECONDS = 1.0
CALL = "call"  # the call's own TwiML
WAIT = "wait"  # a waitUrl's TwiML: when it ends, the waitUrl is asked again


class Player:
    def __init__(self, loop: EventLoop, sim: Simulator, rest: RestServer, desk_number: str):
        self.loop = loop
        self.sim = sim
        self.rest = rest
        self.to = desk_number
        self.lines: dict[str, Line] = {}
        self.agents: dict[str, Agent] = {}
        self.held: list[Line] = []  # in the order they were enqueued (Twilio's FIFO)
        self.overlaps: list[Overlap] = []
        self.legs: list[tuple[Line, Leg]] = []

    # -- timing ---------------------------------------------------------------------

    def later(self, line: Line, seconds: float, action: Callable[[], None]) -> None:
        """`action` after `seconds`, unless what she hears is cut meanwhile."""
        version = line.version

        def run() -> None:
            if line.version == version and line.phase != Phase.ENDED:
                action()

        self.loop.after(seconds, run)

    def cut(self, line: Line) -> None:
        line.version += 1

    # -- a caller -------------------------------------------------------------------

    def arrive(self, caller: Caller) -> None:
        line = Line(new_sid("CA"), caller, self.loop.now)
        self.lines[line.sid] = line
        self.rest.status(line.sid, "in-progress")
        root = self.post(line, "/webhooks/voice/incoming", CallStatus="ringing")
        self.play(line, list(root), 0, CALL)

    def params(self, line: Line, **extra: str) -> dict[str, str]:
        return {**call_params(line.sid, self.to, line.caller.number), **extra}

    def post(self, line: Line, url: str, **extra: str) -> ET.Element:
        extra.setdefault("CallStatus", "in-progress")
        return self.sim.post(url, self.params(line, **extra))

    def play(self, line: Line, verbs: list[ET.Element], index: int, mode: str) -> None:
        """Carry out `verbs[index:]`; a verb that takes time continues later."""
        if line.phase == Phase.ENDED:
            return
        for i in range(index, len(verbs)):
            verb = verbs[i]
            go_on = partial(self.play, line, verbs, i + 1, mode)
            if verb.tag in ("Say", "Play", "Pause"):
                self.later(line, verb_seconds(verb), go_on)
                return
            if verb.tag == "Gather":
                self.gather(line, verb, go_on, mode)
                return
            if verb.tag == "Dial":
                self.dial(line, verb)
                return
            if verb.tag == "Enqueue":
                self.enqueue(line, verb)
                return
            if verb.tag == "Record":
                self.record(line, verb)
                return
            if verb.tag == "Redirect":
                root = self.post(line, (verb.text or "").strip())
                self.play(line, list(root), 0, mode)
                return
            if verb.tag == "Leave" and mode == WAIT:
                self.leave(line, "leave")
                return
            if verb.tag in ("Hangup", "Reject"):
                self.hang_up(line)
                return
            # Anything else (a <Leave> outside a queue): passed over, as Twilio does.
        if mode == WAIT:
            # Twilio asks the waitUrl again (a second on: an empty answer must not spin).
            self.later(line, WAIT_AGAIN_SECONDS, partial(self.wait_turn, line))
        else:
            self.hang_up(line)  # TwiML that ends hangs up

    def gather(self, line: Line, verb: ET.Element, go_on: Callable[[], None], mode: str) -> None:
        children = list(verb)
        heard = sum(verb_seconds(child) for child in children if child.tag == "Say")
        action = verb.get("action", "")
        if mode == WAIT and line.caller.key and not line.pressed and action:

            def press() -> None:
                line.pressed = line.caller.key
                root = self.post(line, action, Digits=line.caller.key, **self.queue_params(line))
                self.play(line, list(root), 0, mode)

            self.later(line, heard + KEY_SECONDS, press)
            return
        timeout = float(verb.get("timeout", GATHER_TIMEOUT) or GATHER_TIMEOUT)
        total = sum(verb_seconds(child) for child in children) + timeout

        def nothing_pressed() -> None:
            if verb.get("actionOnEmptyResult") == "true" and action:
                root = self.post(line, action, Digits="")
                self.play(line, list(root), 0, mode)
            else:
                go_on()

        self.later(line, total, nothing_pressed)

    # -- the queue ------------------------------------------------------------------

    def enqueue(self, line: Line, verb: ET.Element) -> None:
        line.phase = Phase.HELD
        line.queue = (verb.text or "").strip()
        line.wait_url = verb.get("waitUrl", "")
        line.enqueue_action = verb.get("action", "")
        line.queue_sid = line.queue_sid or new_sid("QU")
        line.enqueued_at = self.loop.now
        self.held.append(line)
        if line.gives_up_at is None:
            line.gives_up_at = self.loop.now + _seconds(line.caller.patience)
            self.loop.at(line.gives_up_at, partial(self.patience_ends, line))
        elif line.gives_up_at <= self.loop.now:
            self.loop.after(0, partial(self.patience_ends, line))
        self.wait_turn(line)

    def queue_params(self, line: Line) -> dict[str, str]:
        same = [held for held in self.held if held.queue == line.queue]
        position = same.index(line) + 1 if line in same else 0
        since = line.enqueued_at or self.loop.now
        return {
            "QueueSid": line.queue_sid,
            "QueueTime": str(int((self.loop.now - since).total_seconds())),
            "QueuePosition": str(position),
            "CurrentQueueSize": str(len(same)),
            "AvgQueueTime": "0",
        }

    def wait_turn(self, line: Line) -> None:
        if line.phase != Phase.HELD:
            return
        root = self.post(line, line.wait_url, **self.queue_params(line))
        self.play(line, list(root), 0, WAIT)

    def dequeue(self, line: Line) -> dict[str, str]:
        """Out of the queue: her time held is counted; the queue's params as she left."""
        params = self.queue_params(line)
        if line in self.held:
            self.held.remove(line)
        if line.enqueued_at is not None:
            line.held_seconds += (self.loop.now - line.enqueued_at).total_seconds()
            line.enqueued_at = None
        return params

    def leave(self, line: Line, result: str) -> None:
        """<Leave> (or the queue gave up on her): Twilio asks the <Enqueue action>."""
        self.cut(line)
        params = self.dequeue(line)
        line.phase = Phase.CALLING
        root = self.post(line, line.enqueue_action, QueueResult=result, **params)
        self.play(line, list(root), 0, CALL)

    def patience_ends(self, line: Line) -> None:
        """She has waited long enough: if still held, she hangs up (abandoned)."""
        if line.phase != Phase.HELD:
            return
        self.cut(line)
        params = self.dequeue(line)
        line.abandoned = True
        line.phase = Phase.CALLING
        self.post(line, line.enqueue_action, QueueResult="hangup", **params)
        self.hang_up(line)

    def redirect(self, redirect: Redirect) -> None:
        """The desk's `calls(sid).update(url=…)`: what she hears is replaced."""
        line = self.lines.get(redirect.call_sid)
        if line is None or line.phase == Phase.ENDED:
            return
        self.cut(line)
        if line.phase == Phase.HELD:
            params = self.dequeue(line)
            self.post(line, line.enqueue_action, QueueResult="redirected", **params)
        line.phase = Phase.CALLING
        root = self.post(line, redirect.url) if redirect.url else ET.fromstring(redirect.twiml)
        self.play(line, list(root), 0, CALL)

    # -- ringing secretaries --------------------------------------------------------

    def agent(self, phone: str) -> Agent:
        return self.agents.setdefault(phone, Agent(phone))

    def dial(self, line: Line, verb: ET.Element) -> None:
        line.phase = Phase.RINGING
        legs: list[Leg] = []
        for number in verb.findall("Number"):
            phone = (number.text or "").strip()
            agent = self.agent(phone)
            agent.rung += 1
            free = not agent.line
            if free:
                agent.line = line.sid
            else:
                self.overlaps.append(Overlap(phone, line.sid, agent.line, self.loop.now))
            leg = Leg(new_sid("CA"), phone, number, self.loop.now, free)
            self.rest.status(leg.sid, "ringing")
            legs.append(leg)
            line.legs.append(leg)
            self.legs.append((line, leg))
        action = verb.get("action", "")
        timeout = float(verb.get("timeout", "30") or 30)
        answering = [leg for leg in legs if leg.free]
        if answering:
            pick_up = partial(self.pick_up, line, answering, legs, action)
            self.later(line, PICK_UP_SECONDS, pick_up)
        else:
            self.later(line, timeout, partial(self.dial_over, line, legs, action, "no-answer"))

    def leg_params(self, line: Line, leg: Leg, **extra: str) -> dict[str, str]:
        return {
            "AccountSid": ACCOUNT,
            "CallSid": leg.sid,
            "ParentCallSid": line.sid,
            "From": self.to,
            "To": leg.phone,
            "Direction": "outbound-dial",
            **extra,
        }

    def leg_event(self, line: Line, leg: Leg, status: str) -> None:
        """The leg's own statusCallback (`statusCallbackEvent` answered / completed)."""
        ended = status != "in-progress"
        if ended:
            leg.ended_at = self.loop.now
            agent = self.agent(leg.phone)
            if agent.line == line.sid and leg.free:
                agent.line = ""
            self.rest.status(leg.sid, status, self.loop.now)
        else:
            self.rest.status(leg.sid, status)
        callback = leg.number.get("statusCallback")
        events = (leg.number.get("statusCallbackEvent") or "completed").split()
        wanted = "completed" if ended else "answered"
        if callback and wanted in events:
            self.sim.post(callback, self.leg_params(line, leg, CallStatus=status))

    def pick_up(self, line: Line, free: list[Leg], legs: list[Leg], action: str) -> None:
        """The first free secretary picks up: her leg is screened by the Number's url."""
        leg, rest = free[0], free[1:]
        leg.answered = True
        self.agent(leg.phone).answered += 1
        self.leg_event(line, leg, "in-progress")
        url = leg.number.get("url")
        if not url:
            self.bridge(line, leg, legs, action)  # nothing to screen her with
            return
        screen = self.sim.post(url, self.leg_params(line, leg, CallStatus="in-progress"))
        gather = screen.find("Gather")
        if gather is None:  # the desk hung her leg up at once
            self.leg_event(line, leg, "completed")
            self.next_leg(line, rest, legs, action)
            return
        prompt = sum(verb_seconds(child) for child in gather)
        key = partial(self.press_1, line, leg, gather.get("action", ""), rest, legs, action)
        self.later(line, prompt + KEY_SECONDS, key)

    def press_1(
        self, line: Line, leg: Leg, target: str, rest: list[Leg], legs: list[Leg], action: str
    ) -> None:
        """She presses 1 on the screening prompt: bridged, unless the desk hangs her up."""
        form = self.leg_params(line, leg, CallStatus="in-progress", Digits="1")
        answer = self.sim.post(target, form)
        if any(verb.tag in ("Hangup", "Reject") for verb in answer):
            self.leg_event(line, leg, "completed")  # the desk hung her leg up
            self.next_leg(line, rest, legs, action)
            return
        self.bridge(line, leg, legs, action)

    def bridge(self, line: Line, leg: Leg, legs: list[Leg], action: str) -> None:
        """Caller and secretary talk; the step's other legs are cancelled."""
        leg.bridged = True
        line.phase = Phase.TALKING
        line.answered_at = self.loop.now
        for other in legs:
            if other is not leg and other.ended_at is None:
                self.leg_event(line, other, "canceled")
        self.later(line, line.caller.talk, partial(self.talk_over, line, leg, action))

    def next_leg(self, line: Line, rest: list[Leg], legs: list[Leg], action: str) -> None:
        if rest:
            self.later(line, 0, partial(self.pick_up, line, rest, legs, action))
        else:
            self.dial_over(line, legs, action, "completed")

    def talk_over(self, line: Line, leg: Leg, action: str) -> None:
        """The secretary hangs up: her leg ends, Twilio asks the <Dial action>."""
        self.leg_event(line, leg, "completed")
        talk = str(int(line.caller.talk))
        root = self.post(
            line,
            action,
            DialCallSid=leg.sid,
            DialCallStatus="completed",
            DialBridged="true",
            DialCallDuration=talk,
        )
        line.phase = Phase.CALLING
        self.play(line, list(root), 0, CALL)

    def dial_over(self, line: Line, legs: list[Leg], action: str, status: str) -> None:
        """Nobody bridged: the legs still ringing end; Twilio asks the <Dial action>."""
        for leg in legs:
            if leg.ended_at is None:
                self.leg_event(line, leg, "no-answer")
        line.phase = Phase.CALLING
        root = self.post(
            line,
            action,
            DialCallSid=legs[-1].sid if legs else new_sid("CA"),
            DialCallStatus=status,
            DialBridged="false",
            DialCallDuration="0",
        )
        self.play(line, list(root), 0, CALL)

    # -- voicemail and the end ------------------------------------------------------

    def record(self, line: Line, verb: ET.Element) -> None:
        line.phase = Phase.RECORDING

        def recorded() -> None:
            line.recorded = True
            sid = new_sid("RE")
            recording = {
                "RecordingSid": sid,
                "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}"
                f"/Recordings/{sid}",
                "RecordingDuration": str(int(VOICEMAIL_SECONDS)),
            }
            root = self.post(line, verb.get("action", ""), Digits="#", **recording)
            callback = verb.get("recordingStatusCallback")
            if callback:
                self.post(line, callback, RecordingStatus="completed", **recording)
            line.phase = Phase.CALLING
            self.play(line, list(root), 0, CALL)

        self.later(line, VOICEMAIL_SECONDS, recorded)

    def hang_up(self, line: Line) -> None:
        """The call is over: Twilio's status callback."""
        if line.phase == Phase.ENDED:
            return
        self.cut(line)
        if line.phase == Phase.HELD:
            self.dequeue(line)
        line.phase = Phase.ENDED
        for leg in line.legs:
            if leg.ended_at is None:
                self.leg_event(line, leg, "completed")
        self.rest.status(line.sid, "completed", self.loop.now)
        duration = int((self.loop.now - line.arrived_at).total_seconds())
        self.post(
            line, "/webhooks/voice/status", CallStatus="completed", CallDuration=str(duration)
        )

    @property
    def busy(self) -> bool:
        return any(line.phase != Phase.ENDED for line in self.lines.values())


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)
