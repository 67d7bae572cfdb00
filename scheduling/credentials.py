"""A client's feed tokens and API keys as the desk's Clients page manages them, by row id.

Creating, rotating and revoking are `scheduling.tokens`; this module finds the rows of
one client (another client's row is NotFound) and lists the live ones.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import DomainError, NotFound
from desk.models import ApiKey, FeedToken
from scheduling.tokens import create_feed_token, revoke_feed_token, rotate_feed_token


def live_feed_tokens(session: Session, client_id: int) -> list[FeedToken]:
    return list(
        session.scalars(
            select(FeedToken)
            .where(FeedToken.client_id == client_id, FeedToken.revoked_at.is_(None))
            .order_by(FeedToken.practitioner_id.is_not(None), FeedToken.id)
        )
    )


def live_api_keys(session: Session, client_id: int) -> list[ApiKey]:
    return list(
        session.scalars(
            select(ApiKey)
            .where(ApiKey.client_id == client_id, ApiKey.revoked_at.is_(None))
            .order_by(ApiKey.id)
        )
    )


def _feed_token(session: Session, client_id: int, token_id: int) -> FeedToken:
    row = session.get(FeedToken, token_id)
    if row is None or row.client_id != client_id:
        raise NotFound("feed_token_not_found", "token")
    return row


def add_feed(
    session: Session, client_id: int, practitioner_id: int | None, now: datetime
) -> FeedToken:
    return create_feed_token(session, client_id, practitioner_id, now)


def rotate_feed(session: Session, client_id: int, token_id: int, now: datetime) -> FeedToken:
    """The new token; the old URL stops working at once."""
    return rotate_feed_token(session, _feed_token(session, client_id, token_id).token, now)


def revoke_feed(session: Session, client_id: int, token_id: int, now: datetime) -> FeedToken:
    return revoke_feed_token(session, _feed_token(session, client_id, token_id).token, now)


def revoke_api_key(session: Session, client_id: int, key_id: int, now: datetime) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None or row.client_id != client_id:
        raise NotFound("api_key_not_found", "key")
    if row.revoked_at is not None:
        raise DomainError("api_key_revoked", "key")
    row.revoked_at = now
    session.flush()
    return row
