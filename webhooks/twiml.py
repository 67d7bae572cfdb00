"""TwiML for every turn of a call, built with twilio's `VoiceResponse`.

Nothing here touches the database: `fallback()` in particular is built from the config
file alone, so a caller hears something useful even when everything else is down.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from desk.base.config import Settings
from desk.base.words import gettext_for, word
from desk.calls.decisions import (
    AFTER_HOURS,
    DIAL,
    ENQUEUE,
    HANGUP,
    NOT_IN_SERVICE,
    VOICEMAIL,
    Decision,
)

VOICE_PATH = "/webhooks/voice"
# A voicemail longer than this is cut: long enough for a patient, short enough for an SMS summary.
MAX_VOICEMAIL_SECONDS = 180
SCREEN_SECONDS = 6

_LANGUAGES = {"fr": "fr-FR", "en": "en-GB", "de": "de-DE", "es": "es-ES", "it": "it-IT"}
# The screening prompt is said in the secretary's language; French when the caller of
# `screen_prompt` does not say which.
SECRETARY_LOCALE = "fr"


@dataclass(frozen=True)
class VoiceConfig:
    """The settings TwiML needs, read once per request."""

    base_url: str
    voice: str
    language: str
    ring_timeout: int
    fallback_numbers: tuple[str, ...] = ()
    fallback_message: str = ""
    fallback_language: str = "fr-FR"
    music_url: str = ""
    announce_seconds: int = 45

    @classmethod
    def from_settings(cls, settings: Settings) -> VoiceConfig:
        return cls(
            base_url=settings["server.public_base_url"],
            voice=settings["twilio.voice"],
            language=settings["twilio.language"],
            ring_timeout=settings["twilio.ring_timeout"],
            fallback_numbers=tuple(settings["fallback.numbers"]),
            fallback_message=settings["fallback.message"],
            fallback_language=settings["fallback.language"],
            music_url=settings["queue.music_url"],
            announce_seconds=settings["queue.announce_seconds"],
        )

    def url(self, name: str, query: str = "") -> str:
        return f"{self.base_url}{VOICE_PATH}/{name}" + (f"?{query}" if query else "")

    def say(self, response: Any, text: str, locale: str | None = None) -> None:
        """<Say> in the client's language; the configured voice only fits its own language."""
        language = _LANGUAGES.get(locale or "", self.language) if locale else self.language
        voice = self.voice if language == self.language else None
        response.say(text, voice=voice, language=language)


def _phrase(locale: str, code: str, **params: object) -> str:
    """Spoken words from the catalogue (`desk.base.words`), French for other languages."""
    return word(code, gettext_for(locale), **params)


@lru_cache(maxsize=4096)
def for_decision(decision: Decision, cfg: VoiceConfig) -> str:
    """The TwiML of a decision: the same words for the same decision and settings, so
    written once per process (a twentieth of a new call was building this XML)."""
    response = VoiceResponse()
    if decision.action == DIAL:
        if decision.greeting:
            cfg.say(response, decision.greeting, decision.locale)
        dial = response.dial(
            action=cfg.url("dial-result", f"step={decision.step}"),
            timeout=cfg.ring_timeout,
            answer_on_bridge=True,
        )
        for number in decision.numbers:
            _number(dial, number, cfg)
    elif decision.action in (VOICEMAIL, AFTER_HOURS):
        if decision.greeting:
            cfg.say(response, decision.greeting, decision.locale)
        if decision.action == VOICEMAIL:
            cfg.say(response, _phrase(decision.locale, "say_voicemail"), decision.locale)
        elif decision.message:
            cfg.say(response, decision.message, decision.locale)
        _record(response, cfg, cfg.url("voicemail"))
    elif decision.action == ENQUEUE:
        if decision.greeting:
            cfg.say(response, decision.greeting, decision.locale)
        cfg.say(response, _phrase(decision.locale, "say_queue_hold"), decision.locale)
        response.enqueue(
            decision.queue,
            wait_url=cfg.url("queue-wait"),
            wait_url_method="POST",
            action=cfg.url("queue-result"),
            method="POST",
        )
    elif decision.action == NOT_IN_SERVICE:
        # No client answers this number: the decision's locale is the desk's default.
        cfg.say(response, _phrase(decision.locale, "say_not_in_service"), decision.locale)
        response.hangup()
    elif decision.action == HANGUP:
        response.hangup()
    else:  # pragma: no cover - a new Decision action without TwiML is a bug
        raise ValueError(f"no TwiML for {decision.action!r}")
    return str(response)


def _number(dial: Any, number: str, cfg: VoiceConfig) -> None:
    """A secretary's leg: screened, and its own status reported (her presence)."""
    dial.number(
        number,
        url=cfg.url("screen"),
        status_callback=cfg.url("leg-status"),
        status_callback_event="answered completed",
        status_callback_method="POST",
    )


def _record(response: Any, cfg: VoiceConfig, action: str) -> None:
    response.record(
        action=action,
        max_length=MAX_VOICEMAIL_SECONDS,
        play_beep=True,
        finish_on_key="#",
        recording_status_callback=cfg.url("recording"),
    )


def queue_wait(position: int, locale: str, seconds_left: int, cfg: VoiceConfig) -> str:
    """A held caller's turn (Twilio's waitUrl, asked again when it ends): her position and
    the keys, then music (or silence) until the next announcement or her maximum wait."""
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=cfg.url("queue-key"), timeout=1)
    cfg.say(gather, _phrase(locale, "say_queue_position", position=position), locale)
    if cfg.music_url:
        gather.play(cfg.music_url)
    else:
        gather.pause(length=max(1, min(cfg.announce_seconds, seconds_left)))
    return str(response)


def leave_queue() -> str:
    """Out of the queue: Twilio then asks the `<Enqueue action>` (queue-result)."""
    response = VoiceResponse()
    response.leave()
    return str(response)


def after_queue(left_for_callback: bool, locale: str, cfg: VoiceConfig) -> str:
    """After she left the queue: a callback thanked and hung up, or a voicemail."""
    response = VoiceResponse()
    if left_for_callback:
        cfg.say(response, _phrase(locale, "say_queue_callback"), locale)
        response.hangup()
        return str(response)
    cfg.say(response, _phrase(locale, "say_voicemail"), locale)
    _record(response, cfg, cfg.url("voicemail"))
    return str(response)


def screen_prompt(client_name: str, cfg: VoiceConfig, locale: str = SECRETARY_LOCALE) -> str:
    """On the secretary's leg, in her `locale`: name the client, wait for 1. No key (a
    carrier voicemail) → screen-result is still called (actionOnEmptyResult) and hangs the
    leg up."""
    response = VoiceResponse()
    gather = response.gather(
        num_digits=1,
        timeout=SCREEN_SECONDS,
        action=cfg.url("screen-result"),
        action_on_empty_result=True,
    )
    text = (
        _phrase(locale, "say_screen_prompt", client=client_name)
        if client_name
        else _phrase(locale, "say_screen_prompt_unknown")
    )
    cfg.say(gather, text, locale)
    response.hangup()
    return str(response)


def bridge() -> str:
    """An empty response on the secretary's leg: Twilio bridges her to the caller."""
    return str(VoiceResponse())


def hangup() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def voicemail_saved(locale: str, cfg: VoiceConfig) -> str:
    response = VoiceResponse()
    cfg.say(response, _phrase(locale, "say_thanks"), locale)
    response.hangup()
    return str(response)


def empty() -> str:
    """For callbacks whose TwiML Twilio ignores (status, recording)."""
    return str(VoiceResponse())


def fallback(cfg: VoiceConfig, step: int = 0, dial_status: str = "") -> str:
    """The caller's line when nothing else works: from the config file alone, no database.

    The fallback numbers are dialled one after the other (the `<Dial>` comes back here with
    the next step in the query), then a recording; a bridged call ends with a hang-up.
    """
    response = VoiceResponse()
    if dial_status == "completed":
        response.hangup()
        return str(response)
    if step == 0 and cfg.fallback_message:
        response.say(cfg.fallback_message, language=cfg.fallback_language)
    if step < len(cfg.fallback_numbers):
        dial = response.dial(
            action=cfg.url("fallback", f"step={step + 1}"),
            timeout=cfg.ring_timeout,
            answer_on_bridge=True,
        )
        dial.number(cfg.fallback_numbers[step])
        return str(response)
    if step > len(cfg.fallback_numbers):  # back from the recording
        response.hangup()
        return str(response)
    _record(response, cfg, cfg.url("fallback", f"step={step + 1}"))
    return str(response)
