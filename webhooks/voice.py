"""Twilio voice webhooks (DESIGN §4, §8). Each view: parse the form, one domain call, TwiML.

Every view is signed (403 otherwise) and never leaves the caller on a dead line: any
error, including an unreachable database, answers with TwiML built from settings alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import Response, current_app, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk.base.db import begin_immediate, read_then_lock
from desk.base.parse import INT32_MAX, int_in_range
from desk.calls import new_call, routing
from desk.models import Client
from desk.request_context import db_session, now, settings
from webhooks import bp, twiml
from webhooks.idempotency import TOKEN_HEADER, receipt_key, remember, replay
from webhooks.signature import twilio_signed

log = logging.getLogger(__name__)

# Form parameter carrying the simulated time of `desk simulate --at`. Honoured only with
# the console provider (never against real Twilio); the signature covers it.
SIMULATED_TIME = "DeskSimulatedTime"
# Form parameter the Simulator adds to a call's webhooks (desk.calls.simulation): the call
# is marked simulated at its first webhook. Signed like the rest, so never forged.
SIMULATED = "DeskSimulated"
# What the fallback answers if even building its TwiML failed.
LAST_RESORT = '<?xml version="1.0" encoding="UTF-8"?><Response><Record maxLength="120"/></Response>'


_VOICE_CONFIG = "desk.voice_config"
_TEXT_XML = "text/xml; charset=utf-8"


def _xml(body: str) -> Response:
    return Response(body, content_type=_TEXT_XML)


def voice_config() -> twiml.VoiceConfig:
    # Made once per app's settings (every webhook asks).
    current = settings()
    made: tuple[object, twiml.VoiceConfig] | None = current_app.extensions.get(_VOICE_CONFIG)
    if made is None or made[0] is not current:
        made = (current, twiml.VoiceConfig.from_settings(current))
        current_app.extensions[_VOICE_CONFIG] = made
    return made[1]


def call_time() -> datetime:
    simulated = request.form.get(SIMULATED_TIME)
    if simulated and settings()["twilio.provider"] == "console":
        try:
            at = datetime.fromisoformat(simulated)
        except ValueError:
            return now()
        if at.tzinfo is not None:
            return at
    return now()


def _wrap_up() -> int:
    return int(settings()["presence.wrap_up_seconds"])


def form_int(name: str) -> int | None:
    return int_in_range(request.form.get(name, ""), low=-INT32_MAX)


def _answer(deliver: Callable[[], Response], on_error: Callable[[], str]) -> Response:
    """`deliver`'s answer, or TwiML from `on_error` whatever failed (the database too)."""
    try:
        return deliver()
    except Exception:
        call_sid = request.form.get("CallSid", "")
        log.exception("voice webhook %s failed (CallSid=%s): fallback", request.path, call_sid)
        try:
            db_session().rollback()
        except Exception:  # the database may be what failed
            log.debug("rollback failed too", exc_info=True)
        return _xml(on_error())


def handle_delivery(
    key_params: Iterable[str], work: Callable[[Session], str], on_error: Callable[[], str]
) -> Response:
    """Replay a repeated delivery, or do `work` and keep its TwiML with its changes."""

    def deliver() -> Response:
        session = db_session()
        token = request.headers.get(TOKEN_HEADER)
        key = receipt_key(request.full_path.rstrip("?"), request.form, token, key_params)
        # Every webhook may write: on SQLite take the write lock first, or a read that
        # turns into a write after another worker's commit fails at once.
        begin_immediate(session)
        stored = replay(session, key)
        if stored is not None:
            return _xml(stored)
        try:
            body = work(session)
            remember(session, key, body)
            session.commit()
        except IntegrityError:
            # The same delivery, twice at once: the other one won; answer as it did.
            session.rollback()
            stored = replay(session, key)
            if stored is None:
                raise
            return _xml(stored)
        return _xml(body)

    return _answer(deliver, on_error)


def _first_webhook(read: Callable[[Session], new_call.Arrival]) -> Response:
    """The first webhook of a call: its Call row, unique by CallSid, is its receipt.

    What it reads (`read`) comes before the write lock (SQLite) is taken, the writes
    after (`new_call.start_call`): `read_then_lock`. A twin delivery that wrote the Call
    meanwhile makes the insert fail on the unique key: it is read and done again, and
    answered from the twin's Call (a replay).
    """

    def deliver() -> Response:
        session = db_session()
        for last in (False, True):
            arrival = read_then_lock(session, read)
            try:
                decision = new_call.start_call(session, arrival)
                session.commit()
            except IntegrityError:
                session.rollback()
                if last:
                    raise
                continue
            return _xml(twiml.for_decision(decision, voice_config()))
        raise AssertionError("unreachable")

    return _answer(deliver, caller_fallback)


def caller_fallback() -> str:
    return twiml.fallback(voice_config())


@bp.post("/voice/incoming")
@twilio_signed
def incoming() -> Response:
    form = request.form
    at = call_time()

    def read(session: Session) -> new_call.Arrival:
        return new_call.look_up(
            session,
            call_sid=form["CallSid"],
            to=form.get("To", ""),
            caller=form.get("From", ""),
            forwarded_from=form.get("ForwardedFrom"),
            at=at,
            simulated=form.get(SIMULATED) == "1",
        )

    return _first_webhook(read)


@bp.post("/voice/screen")
@twilio_signed
def screen() -> Response:
    form = request.form

    def work(session: Session) -> str:
        name = routing.screen(
            session,
            parent_call_sid=form.get("ParentCallSid", ""),
            leg_sid=form.get("CallSid", ""),
            to=form.get("To", ""),
        )
        # Said in her language: the attempt `routing.screen` just tied to her leg names her.
        locale = routing.leg_locale(session, form.get("CallSid", "")) or twiml.SECRETARY_LOCALE
        return twiml.screen_prompt(name, voice_config(), locale)

    # On her leg a failure still asks for the key, without the client's name.
    return handle_delivery(("CallSid",), work, lambda: twiml.screen_prompt("", voice_config()))


@bp.post("/voice/screen-result")
@twilio_signed
def screen_result() -> Response:
    form = request.form

    def work(session: Session) -> str:
        accepted = routing.screen_result(
            session,
            parent_call_sid=form.get("ParentCallSid", ""),
            leg_sid=form.get("CallSid", ""),
            to=form.get("To", ""),
            digits=form.get("Digits", ""),
            at=call_time(),
            wrap_up_seconds=_wrap_up(),
        )
        return twiml.bridge() if accepted else twiml.hangup()

    def on_error() -> str:
        # She pressed 1 and we cannot record it: bridge anyway, the caller comes first.
        return twiml.bridge() if form.get("Digits", "").strip() == "1" else twiml.hangup()

    return handle_delivery(("CallSid", "Digits"), work, on_error)


@bp.post("/voice/dial-result")
@twilio_signed
def dial_result() -> Response:
    form = request.form
    step = request.args.get("step", "")

    def work(session: Session) -> str:
        decision = routing.dial_result(
            session,
            call_sid=form["CallSid"],
            step=int_in_range(step, high=100),
            dial_status=form.get("DialCallStatus", ""),
            bridged=form.get("DialBridged", "").lower() == "true",
            duration=form_int("DialCallDuration"),
            at=call_time(),
            wrap_up_seconds=_wrap_up(),
        )
        return twiml.for_decision(decision, voice_config())

    return handle_delivery(("CallSid", "DialCallSid", "DialCallStatus"), work, caller_fallback)


@bp.post("/voice/voicemail")
@twilio_signed
def voicemail() -> Response:
    form = request.form

    def work(session: Session) -> str:
        message = routing.save_voicemail(
            session,
            call_sid=form["CallSid"],
            recording_url=form.get("RecordingUrl"),
            recording_sid=form.get("RecordingSid"),
            duration=form_int("RecordingDuration"),
        )
        # Thanked in the client's language (no message: the caller hung up before the beep).
        client = session.get(Client, message.client_id) if message is not None else None
        return twiml.voicemail_saved(client.locale if client else "fr", voice_config())

    return handle_delivery(("CallSid", "RecordingSid"), work, twiml.hangup)


@bp.post("/voice/recording")
@twilio_signed
def recording() -> Response:
    form = request.form

    def work(session: Session) -> str:
        if form.get("RecordingStatus", "completed") == "completed":
            routing.save_voicemail(
                session,
                call_sid=form.get("CallSid", ""),
                recording_url=form.get("RecordingUrl"),
                recording_sid=form.get("RecordingSid"),
                duration=form_int("RecordingDuration"),
            )
        return twiml.empty()

    return handle_delivery(("CallSid", "RecordingSid", "RecordingStatus"), work, twiml.empty)


@bp.post("/voice/status")
@twilio_signed
def status() -> Response:
    form = request.form

    def work(session: Session) -> str:
        routing.close_call(
            session,
            call_sid=form.get("CallSid", ""),
            status=form.get("CallStatus", ""),
            duration=form_int("CallDuration"),
            sequence=form_int("SequenceNumber"),
            at=call_time(),
            wrap_up_seconds=_wrap_up(),
        )
        return twiml.empty()

    return handle_delivery(("CallSid", "CallStatus", "SequenceNumber"), work, twiml.empty)


@bp.post("/voice/leg-status")
@twilio_signed
def leg_status() -> Response:
    """A secretary's leg's own status (`statusCallback` on `<Number>`): her presence."""
    form = request.form

    def work(session: Session) -> str:
        routing.leg_status(
            session,
            parent_call_sid=form.get("ParentCallSid", ""),
            leg_sid=form.get("CallSid", ""),
            to=form.get("To", ""),
            status=form.get("CallStatus", ""),
            at=call_time(),
            wrap_up_seconds=_wrap_up(),
        )
        return twiml.empty()

    return handle_delivery(("CallSid", "CallStatus", "SequenceNumber"), work, twiml.empty)


@bp.post("/voice/fallback")
@twilio_signed
def fallback() -> Response:
    """Twilio's fallback URL (and the next turns of the fallback itself): settings only."""
    step = request.args.get("step", "0")
    # %r: the values are the caller's to forge; a CRLF must not forge a log line.
    log.error(
        "voice fallback step %r for CallSid=%r (ErrorCode=%r)",
        step[:20],
        request.form.get("CallSid", "")[:64],
        request.form.get("ErrorCode", "")[:20],
    )
    try:
        return _xml(
            twiml.fallback(
                voice_config(),
                int_in_range(step, high=100) or 0,
                request.form.get("DialCallStatus", ""),
            )
        )
    except Exception:  # the last resort must not fail: a recording needs nothing
        log.exception("voice fallback failed; answering with a bare recording")
        return _xml(LAST_RESORT)
