"""Feed tokens and API keys: 256 random bits, URL-safe.

A feed token is kept as it is (it is in the URL the client subscribed to and must be
shown again); an API key is shown once and only its SHA-256 is kept, which is enough
for a 256-bit random key (no salt or slow hash needed: there is nothing to brute-force).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.models import ApiKey, Client, FeedToken, Practitioner

API_KEY_PREFIX = "pk_"


def client_by_slug(session: Session, slug: str) -> Client:
    client = session.scalar(select(Client).where(Client.slug == slug))
    if client is None:
        raise NotFound("client_slug_not_found", "client", slug=slug)
    return client


def create_feed_token(
    session: Session, client_id: int, practitioner_id: int | None, now: datetime
) -> FeedToken:
    if practitioner_id is not None:
        practitioner = session.get(Practitioner, practitioner_id)
        if practitioner is None or practitioner.client_id != client_id:
            raise NotFound("practitioner_not_of_client", "practitioner")
    row = FeedToken(
        client_id=client_id,
        practitioner_id=practitioner_id,
        token=secrets.token_urlsafe(32),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _live_token(session: Session, token: str) -> FeedToken:
    row = session.scalar(select(FeedToken).where(FeedToken.token == token))
    if row is None:
        raise NotFound("feed_token_not_found", "token")
    if row.revoked_at is not None:
        raise DomainError("feed_token_revoked", "token")
    return row


def revoke_feed_token(session: Session, token: str, now: datetime) -> FeedToken:
    row = _live_token(session, token)
    row.revoked_at = now
    session.flush()
    return row


def rotate_feed_token(session: Session, token: str, now: datetime) -> FeedToken:
    """Revoke `token` and return a new one for the same client or practitioner."""
    old = revoke_feed_token(session, token, now)
    return create_feed_token(session, old.client_id, old.practitioner_id, now)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    session: Session, client_id: int, label: str, now: datetime
) -> tuple[ApiKey, str]:
    """A new key: the row (hash only) and the key itself, to show once."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        client_id=client_id, prefix=key[:10], key_hash=hash_key(key), label=label, created_at=now
    )
    session.add(row)
    session.flush()
    return row, key


def client_for_api_key(session: Session, key: str) -> int | None:
    """The client id a live key belongs to, or None."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    return row.client_id
