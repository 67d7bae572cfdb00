"""Recordings played in the desk: streamed from Twilio with the account's credentials.

A recording URL points at Twilio's REST API, which asks for the account SID and auth
token: a browser must never see those, so the desk fetches the audio itself and streams
it on (optionally keeping a copy under the instance folder, `twilio.cache_recordings`).
`twilio.api_base_url`, when set, replaces Twilio's host (tests, a proxy).
"""

from __future__ import annotations

import base64
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.clients.access import visible_calls_query
from desk.messages.log import visible_messages_query
from desk.models import Call, Message, User

CHUNK = 64 * 1024
TIMEOUT = 15
_SAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class TwilioAccess:
    account_sid: str
    auth_token: str
    api_base_url: str = ""
    cache_dir: Path | None = None


def recording_url(session: Session, user: User, kind: str, item_id: int) -> str:
    """The recording URL of a call or message `user` may see (NotFound otherwise)."""
    if kind == "call":
        url = session.scalar(
            visible_calls_query(user)
            .with_only_columns(Call.recording_url)
            .where(Call.id == item_id)
        )
    else:
        url = session.scalar(
            select(Message.recording_url).where(
                Message.id.in_(visible_messages_query(user).with_only_columns(Message.id)),
                Message.id == item_id,
            )
        )
    if not url:
        raise NotFound("not_found")
    return url


def _source(url: str, access: TwilioAccess) -> str:
    parts = urlsplit(url)
    base = access.api_base_url.rstrip("/") or f"{parts.scheme}://{parts.netloc}"
    path = parts.path if parts.path.endswith((".mp3", ".wav")) else f"{parts.path}.mp3"
    return f"{base}{path}"


def stream_recording(url: str, access: TwilioAccess) -> Iterator[bytes]:
    """The recording's MP3, in chunks; from the cache when kept there. DomainError
    "recording_unavailable" when Twilio cannot be reached or refuses."""
    cached = None
    if access.cache_dir is not None:
        cached = access.cache_dir / f"{_SAFE.sub('_', urlsplit(url).path)[-150:]}.mp3"
        if cached.exists():
            yield from _read_file(cached)
            return
    request = urllib.request.Request(_source(url, access))
    token = f"{access.account_sid}:{access.auth_token}".encode()
    request.add_header("Authorization", "Basic " + base64.b64encode(token).decode())
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT)
    except OSError as exc:
        raise DomainError("recording_unavailable", error=str(exc)) from None
    part = cached.with_suffix(".part") if cached is not None else None
    out = part.open("wb") if part is not None else None
    try:
        with response:
            while chunk := response.read(CHUNK):
                if out is not None:
                    out.write(chunk)
                yield chunk
        if out is not None and part is not None and cached is not None:
            out.close()
            part.replace(cached)
    finally:
        if out is not None and not out.closed:
            out.close()


def _read_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk
