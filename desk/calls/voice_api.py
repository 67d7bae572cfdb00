"""Twilio's REST API for calls: a leg's status (the presence sweep) and redirecting a
held caller to the secretary freed for her (the queue).

Slow network I/O: callers use it outside any transaction. With the console provider
there is no API (`voice_api` returns None): the sweep then relies on the maximum call
length, and the queue offers nobody by REST (a rehearsal plays Twilio itself).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client as TwilioClient

from desk.base.config import Settings

# Twilio's own HTTP client aimed at `twilio.api_base_url` (tests: a local server).
from desk.outbox.channels.sms import BaseUrlHttpClient as BaseUrlHttpClient

log = logging.getLogger(__name__)

ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


@dataclass(frozen=True)
class LegStatus:
    status: str
    ended_at: datetime | None

    @property
    def ended(self) -> bool:
        return self.status in ENDED


class VoiceApi:
    def __init__(self, settings: Settings, timeout: float = 5.0) -> None:
        twilio = settings.section("twilio")
        self.account_sid: str = twilio["account_sid"]
        self.auth_token: str = twilio["auth_token"]
        self.api_base_url: str = twilio["api_base_url"]
        self.timeout = timeout

    def _client(self) -> tuple[TwilioClient, BaseUrlHttpClient]:
        http = BaseUrlHttpClient(self.api_base_url, self.timeout)
        return TwilioClient(self.account_sid, self.auth_token, http_client=http), http

    def leg_status(self, sid: str) -> LegStatus | None:
        """The call's status as Twilio knows it; a call Twilio does not know is ended;
        None when Twilio could not be asked (the caller decides by time)."""
        client, http = self._client()
        try:
            call = client.calls(sid).fetch()
        except TwilioRestException as exc:
            if exc.status == 404:
                return LegStatus("completed", None)
            log.warning("Twilio: status of call %s: %s %s", sid, exc.status, exc.msg)
            return None
        except OSError as exc:
            log.warning("Twilio unreachable asking for call %s: %s", sid, exc)
            return None
        finally:
            http.close()
        return LegStatus(str(call.status), call.end_time)

    def redirect(self, sid: str, url: str) -> bool:
        """Send the call to new TwiML at `url` (a held caller leaves her queue). False when
        the call is over or Twilio refused."""
        client, http = self._client()
        try:
            client.calls(sid).update(url=url, method="POST")
        except TwilioRestException as exc:
            log.warning("Twilio: redirect of call %s: %s %s", sid, exc.status, exc.msg)
            return False
        except OSError as exc:
            log.warning("Twilio unreachable redirecting call %s: %s", sid, exc)
            return False
        finally:
            http.close()
        return True


def voice_api(settings: Settings) -> VoiceApi | None:
    return VoiceApi(settings) if settings["twilio.provider"] == "twilio" else None
