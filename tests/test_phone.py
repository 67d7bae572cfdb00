import pytest

from desk.base.phone import InvalidPhoneNumber, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 00 00 01", "+33612000001"),
        ("06.12.00.00.01", "+33612000001"),
        ("0033 6 12 00 00 01", "+33612000001"),
        ("+33 (0)6 12 00 00 01", "+33612000001"),
        ("+33612000001", "+33612000001"),
        ("01 45 67 89 01", "+33145678901"),
        ("0692 12 34 56", "+262692123456"),  # a Réunion mobile typed the French way
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_french_forms_normalise_to_e164(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "06 12", "hello", "+33 6 12 00 00 01 99", "anonymous"])
def test_invalid_numbers_are_rejected_with_a_message_quoting_them(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as info:
        normalise(raw)
    assert str(info.value)
    if raw.strip():
        assert raw in str(info.value)
