"""Pricing, with no database: missions priced by the contract version in force on their day,
then the lines of a monthly statement and its totals per VAT rate.

Rounding as French invoices do it: each line is rounded to the cent (only a prorated fee
and a percentage surcharge can need it), then VAT once per rate on the sum of that rate's
lines. So the lines always add up to the total before VAT.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TypeVar

from desk.billing.money import FRANCHISE_NOTE, percent_of, round_cents, vat_of
from desk.models.billing import MissionKind, PartnerMode


@dataclass(frozen=True)
class Rates:
    """One contract version's prices, from `valid_from` (a plain copy of the row)."""

    valid_from: date
    monthly_fee_cents: int = 0
    included_calls: int = 0
    per_call_cents: int = 0
    per_block_cents: int = 0
    block_seconds: int = 60
    per_appointment_cents: int = 0
    per_message_cents: int = 0
    per_sms_cents: int = 0
    surcharge_percent: int = 0
    vat_rate_bp: int = 2000
    vat_franchise: bool = False
    payment_days: int = 30
    contract_id: int | None = None

    @property
    def vat_bp(self) -> int:
        return 0 if self.vat_franchise else self.vat_rate_bp


@dataclass(frozen=True)
class Share:
    """A partner agreement version: her share of a mission."""

    valid_from: date
    mode: str = PartnerMode.PERCENT
    percent: int = 0
    fixed_cents: int = 0
    agreement_id: int | None = None


V = TypeVar("V", Rates, Share)


@dataclass(frozen=True)
class Work:
    """A mission before pricing: what happened, when (local day), for how long."""

    source: str
    kind: str
    day: date
    duration_seconds: int = 0
    off_hours: bool = False
    secretary_id: int | None = None
    by_partner: bool = False
    at: datetime | None = None  # the instant (UTC), when known


@dataclass(frozen=True)
class Priced:
    work: Work
    rates: Rates
    blocks: int = 0
    included: bool = False
    list_cents: int = 0
    surcharge_cents: int = 0
    billed_cents: int = 0
    partner_cents: int = 0
    agreement_id: int | None = None


@dataclass(frozen=True)
class Line:
    label: str
    quantity: int
    unit_cents: int
    total_cents: int
    vat_rate_bp: int


@dataclass(frozen=True)
class Totals:
    ht_cents: int
    vat_cents: int
    ttc_cents: int
    # (rate_bp, base_cents, vat_cents) per rate, in rate order
    breakdown: tuple[tuple[int, int, int], ...]
    vat_note: str


def in_force(versions: list[V], day: date) -> V | None:
    """The version whose `valid_from` is the latest on or before `day`."""
    found: V | None = None
    for version in sorted(versions, key=lambda v: v.valid_from):
        if version.valid_from <= day:
            found = version
    return found


def blocks_of(seconds: int, block_seconds: int) -> int:
    """Started blocks: 61 s in blocks of 60 s is 2."""
    return -(-max(0, seconds) // max(1, block_seconds))


def _list_price(work: Work, rates: Rates) -> tuple[int, int]:
    if work.kind == MissionKind.CALL:
        blocks = blocks_of(work.duration_seconds, rates.block_seconds)
        return rates.per_call_cents + blocks * rates.per_block_cents, blocks
    unit = {
        MissionKind.VOICEMAIL: rates.per_message_cents,
        MissionKind.MESSAGE: rates.per_message_cents,
        MissionKind.APPOINTMENT: rates.per_appointment_cents,
        MissionKind.SMS: rates.per_sms_cents,
    }.get(MissionKind(work.kind), 0)
    return unit, 0


def partner_share(priced: Priced, share: Share) -> int:
    """What the partner earns for one mission under `share`.

    A percentage applies to the mission's value (list price plus surcharge), included
    calls too: the client pays for those through the monthly fee.
    """
    if share.mode == PartnerMode.PERCENT:
        return percent_of(priced.list_cents + priced.surcharge_cents, share.percent)
    if share.mode == PartnerMode.PER_MINUTE:
        if priced.work.kind != MissionKind.CALL:
            return 0
        return share.fixed_cents * blocks_of(priced.work.duration_seconds, 60)
    return share.fixed_cents if priced.work.kind != MissionKind.SMS else 0


def price_missions(
    works: list[Work], versions: list[Rates], shares: dict[int, list[Share]] | None = None
) -> list[Priced]:
    """Price a month of missions in order; the first calls up to the contract's
    `included_calls` are included in the fee. Missions before the first version are free."""
    shares = shares or {}
    priced: list[Priced] = []
    calls_so_far = 0
    for work in sorted(works, key=lambda w: (w.day, w.at.timestamp() if w.at else 0.0, w.source)):
        rates = in_force(versions, work.day)
        if rates is None:
            continue
        list_cents, blocks = _list_price(work, rates)
        included = False
        if work.kind == MissionKind.CALL:
            included = calls_so_far < rates.included_calls
            calls_so_far += 1
        surcharge = 0
        if work.off_hours and not included:
            surcharge = percent_of(list_cents, rates.surcharge_percent)
        item = Priced(
            work, rates, blocks, included, list_cents, surcharge, 0 if included else list_cents
        )
        item = replace(item, billed_cents=item.billed_cents + surcharge)
        share = in_force(shares.get(work.secretary_id or 0, []), work.day)
        if work.by_partner and share is not None:
            item = replace(
                item, partner_cents=partner_share(item, share), agreement_id=share.agreement_id
            )
        priced.append(item)
    return priced


def _period(versions: list[Rates], year: int, month: int) -> list[tuple[Rates, date, date]]:
    """Each version in force during the month with its first and last day in it."""
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    ordered = sorted(versions, key=lambda v: v.valid_from)
    spans: list[tuple[Rates, date, date]] = []
    for index, version in enumerate(ordered):
        start = max(first, version.valid_from)
        nxt = ordered[index + 1].valid_from if index + 1 < len(ordered) else None
        end = last if nxt is None else min(last, date.fromordinal(nxt.toordinal() - 1))
        if start <= end:
            spans.append((version, start, end))
    return spans


def statement_lines(
    priced: list[Priced], versions: list[Rates], year: int, month: int
) -> list[Line]:
    """The statement's lines: per contract version, its (prorated) fee then its missions."""
    days_in_month = calendar.monthrange(year, month)[1]
    lines: list[Line] = []
    periods = _period(versions, year, month)
    for rates, start, end in periods:
        vat = rates.vat_bp
        # The dates only when a price change splits the month (the header names the month).
        span = f" (du {start:%d/%m} au {end:%d/%m/%Y})" if len(periods) > 1 else ""
        days = (end - start).days + 1
        fee = 0
        if rates.monthly_fee_cents:
            fee = round_cents(rates.monthly_fee_cents * days, days_in_month)
        if rates.monthly_fee_cents and fee:
            label = "Forfait mensuel" if days == days_in_month else "Forfait mensuel au prorata"
            lines.append(Line(f"{label}{span}", 1, fee, fee, vat))
        mine = [p for p in priced if p.rates == rates]
        calls = [p for p in mine if p.work.kind == MissionKind.CALL]
        included = sum(1 for p in calls if p.included)
        if included:
            lines.append(Line(f"Appels inclus au forfait{span}", included, 0, 0, vat))
        billed_calls = [p for p in calls if not p.included]
        counted = (
            ("Appels traités", len(billed_calls), rates.per_call_cents),
            (
                f"Minutes de communication (tranches de {rates.block_seconds} s)",
                sum(p.blocks for p in billed_calls),
                rates.per_block_cents,
            ),
            (
                "Messages pris et messageries traitées",
                sum(1 for p in mine if p.work.kind in (MissionKind.MESSAGE, MissionKind.VOICEMAIL)),
                rates.per_message_cents,
            ),
            (
                "Rendez-vous pris",
                sum(1 for p in mine if p.work.kind == MissionKind.APPOINTMENT),
                rates.per_appointment_cents,
            ),
            (
                "SMS envoyés",
                sum(1 for p in mine if p.work.kind == MissionKind.SMS),
                rates.per_sms_cents,
            ),
        )
        for label, quantity, unit in counted:
            if quantity and unit:
                lines.append(Line(f"{label}{span}", quantity, unit, quantity * unit, vat))
        surcharge = sum(p.surcharge_cents for p in mine)
        if surcharge:
            lines.append(
                Line(
                    f"Majoration hors horaires, samedi et jours fériés "
                    f"({rates.surcharge_percent}\u00a0%){span}",
                    1,
                    surcharge,
                    surcharge,
                    vat,
                )
            )
    return lines


def totals(lines: list[Line], franchise: bool = False) -> Totals:
    """Sum per VAT rate, VAT rounded once per rate."""
    bases: dict[int, int] = {}
    for line in lines:
        bases[line.vat_rate_bp] = bases.get(line.vat_rate_bp, 0) + line.total_cents
    breakdown = tuple((rate, base, vat_of(base, rate)) for rate, base in sorted(bases.items()))
    ht = sum(base for _, base, _ in breakdown)
    vat = sum(v for _, _, v in breakdown)
    return Totals(ht, vat, ht + vat, breakdown, FRANCHISE_NOTE if franchise else "")
