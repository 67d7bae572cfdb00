"""Logins: create one, invite by e-mail with a one-time link, reset, deactivate.

An invited person has no usable password until she follows the link; the link's token is
kept only as its SHA-256, expires, and works once. The e-mail goes through the outbox.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from desk.base import checks
from desk.base.db import begin_immediate
from desk.base.errors import DomainError
from desk.base.passwords import hash_password
from desk.base.words import WORDS, gettext_for
from desk.models import DeskIdentity, Invitation, InvitationPurpose, User
from desk.models.people import ROLES
from desk.outbox.queue import enqueue

# No scrypt hash starts with "!": check_password is False for it, whatever is typed.
NO_PASSWORD = "!invited"
LIFETIME = {
    InvitationPurpose.INVITE: timedelta(days=7),
    InvitationPurpose.RESET: timedelta(hours=24),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    secretary_id: int | None = None,
    client_id: int | None = None,
    locale: str | None = None,
) -> User:
    """A login; without `password` it cannot log in until an invitation is redeemed."""
    address = checks.email(email)
    assert address is not None
    if role not in ROLES:
        raise DomainError("role_unknown", field="role", value=role)
    if user_by_email(session, address) is not None:
        raise DomainError("email_taken", field="email", value=address)
    user = User(
        email=address,
        name=checks.text(name, "name"),
        role=role,
        password_hash=hash_password(checks.password(password)) if password else NO_PASSWORD,
        secretary_id=secretary_id,
        client_id=client_id,
        locale=locale,
    )
    session.add(user)
    session.flush()
    return user


def invite(
    session: Session,
    user: User,
    *,
    base_url: str,
    now: datetime,
    purpose: InvitationPurpose = InvitationPurpose.INVITE,
) -> str:
    """Queue the e-mail with a fresh one-time link (older links of the user stop working).
    Returns the link (the CLI prints it for desks without e-mail)."""
    for old in session.scalars(
        select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    expires = now + LIFETIME[purpose]
    session.add(
        Invitation(user_id=user.id, token_hash=_hash(token), purpose=purpose, expires_at=expires)
    )
    link = f"{base_url.rstrip('/')}/desk/password/{token}"
    identity = DeskIdentity.get(session)
    desk = identity.desk_name if identity is not None else "Permanence"
    zone = ZoneInfo(identity.timezone if identity is not None else "Europe/Paris")
    gettext = gettext_for(user.locale or "fr")
    params = {
        "name": user.name or user.email,
        "desk": desk,
        "link": link,
        "until": expires.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
    }
    subject_key, body_key = (
        ("invite_subject", "invite_body")
        if purpose == InvitationPurpose.INVITE
        else ("reset_subject", "reset_body")
    )
    enqueue(
        session,
        channel="email",
        recipient=user.email,
        subject=gettext(WORDS[subject_key]) % params,
        body=gettext(WORDS[body_key]) % params,
        kind=f"account_{purpose}",
    )
    session.flush()
    return link


def _live(token_hash: str, now: datetime) -> ColumnElement[bool]:
    """A link that still works: unused, unexpired, and the newest of its user's."""
    newer = aliased(Invitation)
    return and_(
        Invitation.token_hash == token_hash,
        Invitation.used_at.is_(None),
        Invitation.expires_at > now,
        ~exists().where(newer.user_id == Invitation.user_id, newer.id > Invitation.id),
    )


def invitation_user(session: Session, token: str, now: datetime) -> User:
    """The user a live link belongs to; DomainError("invitation_invalid") otherwise."""
    row = session.scalar(select(Invitation).where(_live(_hash(token), now)))
    user = session.get(User, row.user_id) if row is not None else None
    if user is None or not user.active:
        raise DomainError("invitation_invalid")
    return user


def redeem(session: Session, token: str, password: str, confirm: str, now: datetime) -> User:
    """Set the password through a live link, which then stops working.

    The link is consumed by a compare-and-set before anything is written: of twenty
    sessions posting at once, one sets the password (and is logged in), the others are
    told the link no longer works. A rollback (the password refused) gives it back.
    """
    checks.password(password)
    if password != confirm:
        raise DomainError("passwords_differ", field="confirm")
    begin_immediate(session)
    token_hash = _hash(token)
    user_id = session.scalar(
        update(Invitation)
        .where(_live(token_hash, now))
        .values(used_at=now)
        .returning(Invitation.user_id)
        .execution_options(synchronize_session=False)
    )
    user = session.get(User, user_id, populate_existing=True) if user_id is not None else None
    if user is None or not user.active:
        raise DomainError("invitation_invalid")
    user.password_hash = hash_password(password)
    revoke_links(session, user.id, now)
    session.flush()
    return user


def revoke_links(session: Session, user_id: int, now: datetime) -> None:
    """Every link of the user not used yet stops working (deactivated, password set)."""
    session.execute(
        update(Invitation)
        .where(Invitation.user_id == user_id, Invitation.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def set_active(session: Session, user: User, active: bool, now: datetime) -> User:
    """Deactivated, a login's links die with it: a reset e-mailed before does not work
    again after a reactivation (issue 26)."""
    user.active = active
    if not active:
        revoke_links(session, user.id, now)
    session.flush()
    return user
