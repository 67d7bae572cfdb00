"""Amounts and percentages as people type them, on every money form and command."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk.base.errors import DomainError
from desk.billing import amounts


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("89,00", 8900),
        ("89.00", 8900),
        ("89", 8900),
        ("178,80", 17880),
        ("1 234,50", 123450),
        ("1\u00a0234,50", 123450),
        ("1\u202f234,50 €", 123450),
        (" 0,25 ", 25),
        ("1 000 000", 100_000_000),
    ],
)
def test_french_and_english_amounts(typed: str, cents: int) -> None:
    assert amounts.cents(typed, "fee") == cents


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("inf", "amount_invalid"),
        ("-inf", "amount_invalid"),
        ("nan", "amount_invalid"),
        ("NaN", "amount_invalid"),
        ("Infinity", "amount_invalid"),
        ("1e3", "amount_invalid"),
        ("-5", "amount_invalid"),
        ("89,005", "amount_invalid"),
        ("1,234,50", "amount_invalid"),
        ("12 34", "amount_invalid"),
        ("٣", "amount_invalid"),
        ("1 000 000,01", "amount_too_large"),
        ("99999999999999999999", "amount_too_large"),
        ("", "required"),
    ],
)
def test_what_is_not_an_amount_is_refused_naming_the_field(typed: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        amounts.cents(typed, "fee")
    assert (caught.value.code, caught.value.field) == (code, "fee")


def test_percentages() -> None:
    assert amounts.percent_bp("5,5", "vat_rate") == 550
    assert amounts.percent_bp("20 %", "vat_rate") == 2000
    assert amounts.whole_percent("60", "percent") == 60
    for bad in ("101", "nan", "inf", "-1", "5,555"):
        with pytest.raises(DomainError):
            amounts.percent_bp(bad, "percent")
    with pytest.raises(DomainError) as caught:
        amounts.whole_percent("60,5", "percent")
    assert caught.value.code == "percent_whole"


@given(st.integers(min_value=0, max_value=100_000_000))
def test_every_amount_shown_back_reads_the_same(cents: int) -> None:
    assert amounts.cents(amounts.euros_text(cents), "fee") == cents


@given(st.text(max_size=12))
def test_any_text_is_an_amount_or_a_domain_error(text: str) -> None:
    try:
        value = amounts.cents(text, "fee")
    except DomainError:
        return
    assert 0 <= value <= 100_000_000
