"""Mission offers to the network: a rota gap offered to partners, the first to accept takes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desk.base.clock import system_now
from desk.models.base import Base


class OfferState(StrEnum):
    """open -> taken (first acceptance) | expired (the mission started) | withdrawn."""

    OPEN = "open"
    TAKEN = "taken"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class OfferAnswer(StrEnum):
    """What one recipient did with her link (`OfferRecipient.answer`)."""

    ACCEPTED = "accepted"
    DECLINED = "declined"


class Offer(Base):
    """A gap (client, UTC start and end) offered to the network; `shift_id` is the mission
    shift that puts the winner on duty for exactly that window."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_state_starts", "state", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default=OfferState.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=system_now)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("secretaries.id"))
    taken_at: Mapped[datetime | None]
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]  # withdrawn or expired


class OfferRecipient(Base):
    """One person an offer goes to, once (unique per offer): her wave's time, when it was
    sent, the hash of her one-time link's token, and her answer."""

    __tablename__ = "offer_recipients"
    __table_args__ = (
        UniqueConstraint("offer_id", "secretary_id"),
        Index("ix_offer_recipients_due", "sent_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    secretary_id: Mapped[int] = mapped_column(
        ForeignKey("secretaries.id", ondelete="CASCADE"), index=True
    )
    partner: Mapped[bool] = mapped_column(default=True)  # else one of the desk's own
    wave: Mapped[int] = mapped_column(default=1)
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # sha256 of the token in her link: the database never holds a usable link.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None]


class OfferPolicy(Base):
    """The desk's rules for offers (one row, id 1): the delay between waves, whether its
    own free secretaries are offered gaps after the partners."""

    __tablename__ = "offer_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_delay_minutes: Mapped[int] = mapped_column(default=30)
    include_desk: Mapped[bool] = mapped_column(default=False)


class ClientOfferSetting(Base):
    """A client whose gaps are offered automatically `days_ahead` days before they open."""

    __tablename__ = "client_offer_settings"

    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    days_ahead: Mapped[int] = mapped_column(default=0)  # 0: never automatically
