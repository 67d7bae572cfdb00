"""Every user-visible string (an English msgid) has a French and an English string in the
catalogues, and every error code raised anywhere is in `desk.base.words.WORDS`."""

from __future__ import annotations

import ast
import re
from functools import cache
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from desk.base.words import WORDS, gettext_for

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "desk" / "translations" / "fr" / "LC_MESSAGES"
CATALOGUES = {
    locale: ROOT / "desk" / "translations" / locale / "LC_MESSAGES" for locale in ("fr", "en")
}
SOURCES = ("desk", "scheduling", "webhooks")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache  # the sources do not change during a run: scanned once, asked by three tests
def used_msgids() -> dict[str, str]:
    """msgid -> where it is used, extracted the way `make translations` does."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        # A plural (ngettext) is one catalogue entry, keyed by its singular.
        ids = message[:1] if isinstance(message, tuple) else (message,)
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


def test_every_msgid_has_an_english_string_too() -> None:
    with open(CATALOGUES["en"] / "messages.po", "rb") as po:
        catalogue = read_po(po, locale="en")
    missing = []
    for msgid, where in sorted(used_msgids().items()):
        entry = catalogue.get(msgid)
        if entry is None or entry.fuzzy or not entry.string or not all(_strings(entry.string)):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, (
        "missing English strings (run `make translations`, then fill "
        "desk/translations/en/LC_MESSAGES/messages.po):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_translations_keep_the_placeholders_of_their_msgid(locale: str) -> None:
    with open(CATALOGUES[locale] / "messages.po", "rb") as po:
        catalogue = read_po(po, locale=locale)
    wrong = [
        f"{m.id!r} -> {m.string!r}"
        for m in catalogue
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
        if set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_every_word_of_the_catalogue_is_in_both_languages() -> None:
    for code, msgid in WORDS.items():
        params = {name: "x" for name in PLACEHOLDER.findall(msgid)}
        assert gettext_for("fr")(msgid) != msgid, f"{code}: no French for {msgid!r}"
        for locale in ("fr", "en"):
            assert gettext_for(locale)(msgid) % params, f"{code}: {locale} words do not format"


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """DomainError and every class deriving from it, by name, found in the source."""
    names = {"DomainError", "NotFound", "Conflict"}
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


@cache  # scanned once, asked by two tests
def raised_codes() -> dict[str, str]:
    """code -> where, for every error built with a literal code (or a module constant) and
    every phrase spoken by code (`_phrase`, `word`)."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for source in SOURCES
        for path in (ROOT / source).rglob("*.py")
    }
    classes = _error_classes(trees) | {"_phrase", "word"}
    found: dict[str, str] = {}
    for path, tree in trees.items():
        constants = {
            t.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for t in node.targets
            if isinstance(t, ast.Name) and isinstance(node.value.value, str)
        }
        # `super().__init__(CODE, …)` inside an error class raises CODE too.
        inits = {
            id(call)
            for cls in ast.walk(tree)
            if isinstance(cls, ast.ClassDef) and cls.name in classes
            for call in ast.walk(cls)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "__init__"
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in classes and id(node) not in inits:
                continue
            args = node.args[1:] if name == "_phrase" else node.args  # _phrase(locale, code)
            first = args[0] if args else None
            code = None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                code = first.value
            elif isinstance(first, ast.Name) and first.id in constants:
                code = constants[first.id]
            if code is not None:
                found.setdefault(code, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_source_scan_sees_the_raise_sites() -> None:
    codes = raised_codes()
    assert "slot_taken" in codes  # through a module constant
    assert "phone_invalid" in codes  # a subclass of DomainError
    assert "say_voicemail" in codes  # a spoken phrase
    assert len(codes) > 50


def test_every_code_raised_anywhere_is_in_the_catalogue() -> None:
    unknown = [f"{where}: {code!r}" for code, where in sorted(raised_codes().items())]
    unknown = [line for line in unknown if line.split(": ", 1)[1].strip("'") not in WORDS]
    assert not unknown, (
        "codes missing from desk/base/words.py WORDS (or raised with sentences):\n"
        + "\n".join(unknown)
    )


def test_the_compiled_french_catalogue_is_up_to_date() -> None:
    with open(CATALOGUE / "messages.po", "rb") as po:
        source = read_po(po, locale="fr")
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        compiled = read_mo(mo)
    with open(CATALOGUE / "messages.mo", "rb") as mo:
        plurals = GNUTranslations(mo)  # babel's read_mo mangles plural entries
    stale = [
        m.id
        for m in source
        if m.id
        and not m.fuzzy
        and (
            (plurals.ngettext(*m.id, 1), plurals.ngettext(*m.id, 2)) != tuple(m.string)
            if isinstance(m.id, tuple)
            else compiled.get(m.id) is None or compiled[m.id].string != m.string
        )
    ]
    assert not stale, f"messages.mo is older than messages.po; run `make translations`: {stale}"


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)
