"""`make lint`: every module a comment or docstring names exists, and what it names in it.

Names are read as written in the code: dotted (`desk.calls.steps.ring`) or as paths
(`desk/calls/steps.py`, `webhooks/voice.py`). A stale one (a module moved or removed)
fails the check with its file and line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("desk", "webhooks", "scheduling")
DOTTED = re.compile(r"\b((?:desk|webhooks|scheduling)(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
PATH = re.compile(r"\b((?:desk|webhooks|scheduling)(?:/[A-Za-z0-9_]+)+\.py)\b")
COMMENT_OR_TEXT = re.compile(r"#.*$|\"\"\"|'''")


def _module_file(parts: list[str]) -> Path | None:
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _defines(source: str, name: str) -> bool:
    word = re.escape(name)
    pattern = rf"^\s*(?:def|class|async def)\s+{word}\b|^\s*{word}\s*[:=]|\bimport\b.*\b{word}\b"
    return re.search(pattern, source, re.MULTILINE) is not None


def _dotted_exists(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        found = _module_file(parts[:cut])
        if found is None:
            continue
        rest = parts[cut:]
        if not rest:
            return True
        # The first name after the module must be defined in it; deeper ones are
        # attributes of that (a class's method, an enum's member): not followed.
        return _defines(found.read_text(encoding="utf-8"), rest[0])
    return False


def _texts(source: str) -> list[tuple[int, str]]:
    """(line number, text) of the docstring lines and comments of a module (a comment
    after code: the comment alone, so a string in code is never read as a name)."""
    found = []
    in_string = False
    for number, line in enumerate(source.splitlines(), 1):
        quotes = line.count('"""') + line.count("'''")
        if in_string or quotes:
            found.append((number, line))
        elif "#" in line:
            found.append((number, line[line.index("#") :]))
        if quotes % 2 == 1:
            in_string = not in_string
    return found


def main() -> int:
    stale = []
    # Migrations tell history: the modules they name may be gone since.
    files = [
        p
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if "migrations" not in p.relative_to(ROOT).parts
    ]
    files += list((ROOT / "tests").rglob("*.py")) + list((ROOT / "bench").rglob("*.py"))
    for path in sorted(files):
        source = path.read_text(encoding="utf-8")
        for number, line in _texts(source):
            if line.lstrip().startswith(("import ", "from ")):
                continue
            for name in PATH.findall(line):
                if not (ROOT / name).is_file():
                    stale.append(f"{path.relative_to(ROOT)}:{number}: {name} does not exist")
            for name in DOTTED.findall(line):
                name = name.rstrip(".")
                if not _dotted_exists(name):
                    stale.append(f"{path.relative_to(ROOT)}:{number}: {name} does not exist")
    for line in stale:
        print(line)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
