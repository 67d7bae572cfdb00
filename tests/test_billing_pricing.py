"""Pricing without a database: integer cents, rounding per line then per VAT rate."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from desk.billing.money import euros, round_cents, vat_of
from desk.billing.pricing import (
    Rates,
    Share,
    Work,
    blocks_of,
    partner_share,
    price_missions,
    statement_lines,
    totals,
)
from desk.models.billing import MissionKind, PartnerMode

NOVEMBER = date(2026, 11, 1)
cents = st.integers(min_value=0, max_value=50_000)
rates = st.builds(
    Rates,
    valid_from=st.just(date(2026, 1, 1)),
    monthly_fee_cents=cents,
    included_calls=st.integers(0, 30),
    per_call_cents=cents,
    per_block_cents=st.integers(0, 500),
    block_seconds=st.sampled_from([30, 60, 300]),
    per_appointment_cents=cents,
    per_message_cents=cents,
    per_sms_cents=st.integers(0, 50),
    surcharge_percent=st.integers(0, 100),
    vat_rate_bp=st.sampled_from([2000, 1000, 550, 0]),
    vat_franchise=st.booleans(),
)
works = st.lists(
    st.builds(
        Work,
        source=st.uuids().map(str),
        kind=st.sampled_from(list(MissionKind)),
        day=st.integers(0, 29).map(lambda d: NOVEMBER + timedelta(days=d)),
        duration_seconds=st.integers(0, 3600),
        off_hours=st.booleans(),
        secretary_id=st.sampled_from([None, 1, 2]),
        by_partner=st.booleans(),
    ),
    max_size=60,
)


def test_rounding_is_half_away_from_zero_on_integers() -> None:
    assert round_cents(5, 2) == 3
    assert round_cents(-5, 2) == -3
    assert vat_of(1234, 2000) == 247  # 246.8
    assert vat_of(1225, 550) == 67  # 67.375
    assert euros(1234567) == "12\u202f345,67 €"


def test_a_started_block_is_billed_whole() -> None:
    assert blocks_of(60, 60) == 1
    assert blocks_of(61, 60) == 2
    assert blocks_of(0, 60) == 0


@settings(max_examples=80, deadline=None)
@given(plan=rates, month=works)
def test_totals_equal_the_sum_of_lines_for_any_missions_and_plan(
    plan: Rates, month: list[Work]
) -> None:
    priced = price_missions(month, [plan])
    lines = statement_lines(priced, [plan], 2026, 11)
    total = totals(lines, plan.vat_franchise)
    assert total.ht_cents == sum(line.total_cents for line in lines)
    assert all(line.total_cents == line.quantity * line.unit_cents for line in lines)
    # Every billed cent of a mission is on a line; the fee is the only other line.
    fee = plan.monthly_fee_cents
    assert total.ht_cents == fee + sum(p.billed_cents for p in priced)
    assert total.vat_cents == sum(vat_of(base, rate) for rate, base, _ in total.breakdown)
    assert total.ttc_cents == total.ht_cents + total.vat_cents
    if plan.vat_franchise:
        assert total.vat_cents == 0
        assert total.vat_note == "TVA non applicable, art. 293 B du CGI"
    calls = [p for p in priced if p.work.kind == MissionKind.CALL]
    assert sum(p.included for p in calls) == min(len(calls), plan.included_calls)


@settings(max_examples=60, deadline=None)
@given(before=rates, after=rates, change=st.integers(2, 30), month=works)
def test_a_price_change_mid_month_splits_the_month(
    before: Rates, after: Rates, change: int, month: list[Work]
) -> None:
    new = Rates(**{**after.__dict__, "valid_from": date(2026, 11, change)})
    priced = price_missions(month, [before, new])
    for p in priced:
        expected = before if p.work.day < new.valid_from else new
        assert p.rates is expected
    lines = statement_lines(priced, [before, new], 2026, 11)
    days_before, days_after = change - 1, 30 - (change - 1)
    fees = [line for line in lines if line.label.startswith("Forfait")]
    expected_fees = [
        round_cents(before.monthly_fee_cents * days_before, 30),
        round_cents(new.monthly_fee_cents * days_after, 30),
    ]
    assert [f.total_cents for f in fees] == [f for f in expected_fees if f]
    total = totals(lines)
    assert total.ht_cents == sum(expected_fees) + sum(p.billed_cents for p in priced)


def test_a_change_on_the_15th_bills_each_half_at_its_price() -> None:
    old = Rates(date(2026, 1, 1), monthly_fee_cents=9000, per_call_cents=100)
    new = Rates(date(2026, 11, 16), monthly_fee_cents=12000, per_call_cents=150)
    calls = [Work(f"call:{d}", MissionKind.CALL, date(2026, 11, d)) for d in (3, 15, 16, 30)]
    lines = statement_lines(price_missions(calls, [old, new]), [old, new], 2026, 11)
    assert [(line.quantity, line.unit_cents, line.total_cents) for line in lines] == [
        (1, 4500, 4500),  # 9000 × 15/30
        (2, 100, 200),
        (1, 6000, 6000),  # 12000 × 15/30
        (2, 150, 300),
    ]


def test_included_calls_are_free_but_still_earn_the_partner_her_share() -> None:
    plan = Rates(date(2026, 1, 1), included_calls=1, per_call_cents=200, surcharge_percent=50)
    works_ = [
        Work("call:1", MissionKind.CALL, date(2026, 11, 2), 30, False, 7, True),
        Work("call:2", MissionKind.CALL, date(2026, 11, 3), 30, True, 7, True),
    ]
    share = Share(date(2026, 1, 1), PartnerMode.PERCENT, percent=60)
    first, second = price_missions(works_, [plan], {7: [share]})
    assert (first.included, first.billed_cents, first.partner_cents) == (True, 0, 120)
    assert (second.billed_cents, second.surcharge_cents, second.partner_cents) == (300, 100, 180)
    per_minute = Share(date(2026, 1, 1), PartnerMode.PER_MINUTE, fixed_cents=40)
    assert partner_share(second, per_minute) == 40
