"""SMS senders: Twilio's REST API for real, the console for development."""

from __future__ import annotations

import logging
import threading
import uuid
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client as TwilioClient

from desk.base.clock import system_now
from desk.base.config import Settings
from desk.outbox.channels.base import ChannelError

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
# Twilio error codes that no retry can fix (https://www.twilio.com/docs/api/errors).
PERMANENT_TWILIO_CODES = frozenset(
    {
        21211,  # invalid 'To' number
        21408,  # no permission to send to that region
        21610,  # the recipient replied STOP
        21612,  # cannot route to this number
        21614,  # 'To' is not a mobile number
        21617,  # body too long
    }
)


class SmsSender(ABC):
    """Sends one SMS; returns the provider's id for status callbacks."""

    @abstractmethod
    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        """Send `body` to E.164 `to`, or raise ChannelError."""


@dataclass(frozen=True)
class ConsoleSmsRecord:
    sid: str
    to: str
    body: str
    at: datetime


class ConsoleSms(SmsSender):
    """Development: sends nothing, logs and keeps the last SMS in memory.

    The outbox rows themselves (provider id `console-…`) are what the desk shows; the
    in-memory list is for a developer's console and tests.
    """

    sent: ClassVar[deque[ConsoleSmsRecord]] = deque(maxlen=200)
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        # Random, not a per-process counter: several workers and schedulers share the
        # outbox, and a status callback must find the one row that owns its id.
        sid = f"console-{uuid.uuid4().hex}"
        with self._lock:
            self.sent.append(ConsoleSmsRecord(sid, to, body, system_now()))
        log.info("SMS (console) to %s: %s", to, body)
        return sid


class BaseUrlHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, aimed at another base URL (tests: a local server)."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if self.base_url and url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()


class TwilioSms(SmsSender):
    """The real `twilio` REST client: messaging service SID (preferred) or a from-number."""

    def __init__(self, settings: Settings, timeout: float = 15.0) -> None:
        twilio = settings.section("twilio")
        self.account_sid: str = twilio["account_sid"]
        self.auth_token: str = twilio["auth_token"]
        self.messaging_service_sid: str = twilio["messaging_service_sid"]
        self.from_number: str = twilio["from_number"]
        self.api_base_url: str = twilio["api_base_url"]
        self.timeout = timeout
        if not (self.messaging_service_sid or self.from_number):
            raise ChannelError(
                "twilio.messaging_service_sid or twilio.from_number is required", permanent=True
            )

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> str:
        http = BaseUrlHttpClient(self.api_base_url, self.timeout)
        client = TwilioClient(self.account_sid, self.auth_token, http_client=http)
        kwargs: dict[str, Any] = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = client.messages.create(**kwargs)
        except TwilioRestException as exc:
            # Anything else (a 500, 429 too many requests, 401 while a token is rotated) may
            # pass later: retried with backoff until outbox_max_attempts.
            permanent = exc.code in PERMANENT_TWILIO_CODES
            raise ChannelError(
                f"Twilio {exc.status} {exc.code or ''}: {exc.msg}".strip(),
                permanent=permanent,
                code=exc.code,
            ) from exc
        except OSError as exc:  # requests' ConnectionError and timeouts derive from it
            raise ChannelError(f"Twilio unreachable: {exc}") from exc
        finally:
            http.close()
        return str(message.sid)


def sms_sender(settings: Settings) -> SmsSender:
    if settings["twilio.provider"] == "twilio":
        return TwilioSms(settings)
    return ConsoleSms()
