"""`make lint`: every module a comment, a docstring or a current document names exists.

Names are read as written in the code: dotted (`desk.calls.steps.ring`: `ring` must be
defined in the module) or as paths (`desk/calls/steps.py`, `webhooks/voice.py`). The
documents that describe the present (`DOCS`: docs/decisions.md, README.md) are read
whole, every line. Migrations, docs/speed.md and CHANGELOG.md tell history: the modules
they name may be gone since. A stale name (a module moved or removed) fails the check
with its file and line.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("desk", "webhooks", "scheduling")
DOTTED = re.compile(r"\b((?:desk|webhooks|scheduling)(?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
PATH = re.compile(r"\b((?:desk|webhooks|scheduling)(?:/[A-Za-z0-9_]+)+\.py)\b")
DOCS = ("docs/decisions.md", "README.md")
IMPORTS = ("import ", "from ")


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


def _stale(path: Path, lines: list[tuple[int, str]]) -> list[str]:
    """'file:line: name does not exist' for each stale name in `lines`."""
    found = []
    for number, line in lines:
        missing = [name for name in PATH.findall(line) if not (ROOT / name).is_file()]
        missing += [name for name in DOTTED.findall(line) if not _dotted_exists(name)]
        found += [f"{path.relative_to(ROOT)}:{number}: {name} does not exist" for name in missing]
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
        texts = _texts(path.read_text(encoding="utf-8"))
        stale += _stale(path, [(n, t) for n, t in texts if not t.lstrip().startswith(IMPORTS)])
    for name in DOCS:
        lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
        stale += _stale(ROOT / name, list(enumerate(lines, 1)))
    for line in stale:
        print(line)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
