"""Every user-visible string (an English msgid) has a French translation in the catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "desk" / "translations" / "fr" / "LC_MESSAGES"


def used_msgids() -> dict[str, str]:
    """msgid -> where it is used, extracted the way `make translations` does."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_the_extraction_sees_the_desk_strings() -> None:
    used = used_msgids()
    assert "Log in" in used
    assert "Unknown e-mail or wrong password." in used  # from Python code
    assert any(".html:" in where for where in used.values())  # from templates


def test_every_msgid_in_code_and_templates_is_translated_in_french() -> None:
    with open(CATALOGUE / "messages.po", "rb") as po:
        catalogue = read_po(po, locale="fr")
    untranslated = []
    for msgid, where in sorted(used_msgids().items()):
        entry = catalogue.get(msgid)
        if entry is None or entry.fuzzy or not entry.string or not all(_strings(entry.string)):
            untranslated.append(f"{where}: {msgid!r}")
    assert not untranslated, (
        "missing French translations (run `make translations`, then fill "
        "desk/translations/fr/LC_MESSAGES/messages.po):\n" + "\n".join(untranslated)
    )


def test_the_compiled_french_catalogue_is_up_to_date() -> None:
    with open(CATALOGUE / "messages.po", "rb") as po:
        source = read_po(po, locale="fr")
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    stale = [
        m.id
        for m in source
        if m.id
        and not m.fuzzy
        and (compiled.get(m.id) is None or compiled[m.id].string != m.string)
    ]
    assert not stale, f"messages.mo is older than messages.po; run `make translations`: {stale}"


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)
