"""The money set-up as a person meets it: the `desk` command, and the pages read for the
words next to each field and their rows."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from desk.base.db import Database
from desk.cli import main


def desk(db: Database, tmp_path: Path, *args: str, locale: str = "fr") -> tuple[int, str]:
    """Run `desk ARGS` on `db` with the desk's language `locale`: (exit code, output)."""
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DESK_SERVER_DEFAULT_LOCALE": locale,
    }
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


class Page(HTMLParser):
    """Text per element id (errors are `<span id="FIELD-error">`) and per `data-*` row."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.rows: dict[str, str] = {}
        self.flashes: list[str] = []  # the messages of `<p class="flash">`
        self._open: list[tuple[str, str | None, str | None]] = []  # tag, id, row key
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th", "br", "p", "li", "div"):
            self.handle_data(" ")  # cells and lines read apart
        if tag in ("input", "br", "meta", "link", "img", "hr"):
            return
        found = dict(attrs)
        if "flash" in (found.get("class") or "").split():
            key = f"flash-{len(self.flashes)}"
            found["id"] = key
            self.flashes.append(key)
        row = next((v for k, v in attrs if k.startswith("data-") and tag == "tr"), None)
        self._open.append((tag, found.get("id"), row))
        if found.get("id"):
            self.by_id.setdefault(found["id"] or "", "")
        if row is not None:
            self.rows.setdefault(row, "")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for _tag, element_id, row in self._open:
            if element_id:
                self.by_id[element_id] += data
            if row is not None:
                self.rows[row] += data

    def flashed(self) -> list[str]:
        """The flashed messages, in order."""
        return [self.text(key) for key in self.flashes]

    def error(self, field: str) -> str:
        """The words shown next to `field` ("" when none)."""
        return " ".join(self.by_id.get(f"{field}-error", "").split())

    def text(self, element_id: str) -> str:
        return " ".join(self.by_id.get(element_id, "").split())

    def row(self, key: str) -> str:
        return " ".join(self.rows.get(key, "").split())
