"""GSM-7 / UCS-2 segment counting against a reference that splits the text the way a
phone does (whole characters per part: an escape pair or a surrogate pair never split)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desk.outbox.sms_text import GSM7_BASIC, GSM7_EXTENDED, clean, count, is_gsm7

BASIC = sorted(GSM7_BASIC)
EXTENDED = sorted(GSM7_EXTENDED)
gsm_texts = st.text(st.sampled_from(BASIC + EXTENDED), max_size=500)
basic_texts = st.text(st.sampled_from(BASIC), max_size=500)
any_texts = st.text(
    st.one_of(
        st.sampled_from(BASIC + EXTENDED),
        st.sampled_from(["ê", "â", "î", "ô", "û", "ç", "œ", "’", "«", "»", "\xa0", "–", "…"]),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),  # emoji included
    ),
    max_size=400,
)


def _units(text: str) -> list[int]:
    """Each character's cost: septets in GSM-7, UTF-16 code units in UCS-2."""
    if is_gsm7(text):
        return [2 if ch in GSM7_EXTENDED else 1 for ch in text]
    return [len(ch.encode("utf-16-le")) // 2 for ch in text]


def _reference_segments(text: str) -> int:
    units = _units(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    if sum(units) <= single:
        return 1 if units else 0
    parts, used = 1, 0
    for cost in units:
        if used + cost > multi:
            parts, used = parts + 1, 0
        used += cost
    return parts


@settings(max_examples=300)
@given(basic_texts)
def test_plain_gsm7_takes_160_then_153_septets_per_segment(text: str) -> None:
    counted = count(text)
    assert (counted.encoding, counted.units) == ("GSM-7", len(text))
    assert counted.segments == _reference_segments(text)
    assert counted.segments == (0 if not text else 1 if len(text) <= 160 else -(-len(text) // 153))


@settings(max_examples=300)
@given(gsm_texts)
def test_extension_characters_cost_two_septets(text: str) -> None:
    counted = count(text)
    assert counted.encoding == "GSM-7"
    assert counted.units == len(text) + sum(ch in GSM7_EXTENDED for ch in text)
    assert counted.segments == _reference_segments(text)
    # A part never splits an escape pair: at most one part more than units / 153.
    if counted.units > 160:
        assert counted.segments - -(-counted.units // 153) in (0, 1)


@settings(max_examples=300)
@given(any_texts)
def test_one_character_outside_gsm7_makes_the_whole_text_ucs2(text: str) -> None:
    counted = count(text)
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        assert counted.encoding == "GSM-7"
    else:
        assert counted.encoding == "UCS-2"
        assert counted.units == len(text.encode("utf-16-le")) // 2
        assert counted.per_segment == (70 if counted.units <= 70 else 67)
    assert counted.segments == _reference_segments(text)
    assert counted.segments == 0 or counted.units <= counted.segments * counted.per_segment


@settings(max_examples=300)
@given(any_texts)
def test_cleaning_never_costs_more_segments_unless_it_spells_out_an_ellipsis(text: str) -> None:
    cleaned = clean(text)
    if is_gsm7(text):
        assert cleaned == text  # nothing to replace in a GSM-7 text
    if "\u2026" not in text:  # "…" becomes "...": two characters more
        assert count(cleaned).segments <= count(text).segments


def test_an_emoji_takes_two_ucs2_units() -> None:
    assert count("🙂" * 35).units == 70 and count("🙂" * 35).segments == 1
    assert count("🙂" * 36).segments == 2
