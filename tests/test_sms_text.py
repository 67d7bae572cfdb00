from desk.outbox.sms_text import clean, count, is_gsm7, shorten


def test_plain_french_with_gsm_accents_fits_one_gsm7_segment() -> None:
    text = "Rappeler Mme Durand à 14h, elle a été opérée la semaine dernière."
    result = count(text)
    assert result.encoding == "GSM-7"
    assert result.segments == 1


def test_a_circumflex_forces_ucs2_and_70_characters_per_segment() -> None:
    assert count("Prévoir une fenêtre").encoding == "UCS-2"
    assert count("ê" * 70).segments == 1
    assert count("ê" * 71).segments == 2
    assert count("ê" * 134).segments == 2
    assert count("ê" * 135).segments == 3


def test_long_gsm7_text_is_split_in_parts_of_153() -> None:
    assert count("é" * 160).segments == 1
    assert count("é" * 161).segments == 2
    assert count("a" * 306).segments == 2
    assert count("a" * 307).segments == 3


def test_euro_sign_counts_twice_in_gsm7() -> None:
    result = count("€" * 80)
    assert result.encoding == "GSM-7"
    assert result.units == 160
    assert result.segments == 1
    assert count("€" * 81).segments == 2


def test_typographic_apostrophe_quotes_and_nbsp_are_replaced_so_the_sms_stays_gsm7() -> None:
    typed = "L’assistante a dit\u00a0: « rappeler demain\u202f! » – merci…"
    assert not is_gsm7(typed)
    cleaned = clean(typed)
    assert cleaned == 'L\'assistante a dit : "rappeler demain !" - merci...'
    assert is_gsm7(cleaned)
    assert count(typed).segments == 1 and count(typed).encoding == "UCS-2"
    assert count(cleaned).encoding == "GSM-7"


def test_emoji_take_two_ucs2_units() -> None:
    assert count("🙂").units == 2


def test_shorten_cuts_at_a_word_and_marks_the_cut() -> None:
    assert shorten("un deux trois quatre", 12) == "un deux..."
    assert shorten("court", 12) == "court"
