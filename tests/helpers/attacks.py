"""Shared by the attack tests: racing one function in threads, reading flashed words."""

from __future__ import annotations

import threading
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar

from click.testing import CliRunner

from desk.base.db import Database
from desk.cli import main

T = TypeVar("T")


def race(count: int, run: Callable[[int], T]) -> tuple[list[T], list[BaseException]]:
    """`run(0)` … `run(count - 1)` in as many threads, released together by a barrier:
    what they returned, and what they raised."""
    barrier = threading.Barrier(count)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            value = run(index)
            with lock:
                results.append(value)
        except BaseException as exc:  # counted by the test: a refusal is an outcome
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a racer never finished"
    return results, errors


class _Flashes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "p" and "flash" in classes:
            self._inside = True
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.found[-1] += data


def flashes(html: str) -> list[str]:
    """The words flashed at the top of a desk page."""
    parser = _Flashes()
    parser.feed(html)
    return [text.strip() for text in parser.found]


def desk_cli(db: Database, tmp_path: Path, *args: str) -> tuple[int, str, BaseException | None]:
    """Run `desk …` against `db`: exit code, output, and an exception it did not handle."""
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = CliRunner().invoke(main, list(args), env=env)
    unhandled = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.output, unhandled


class _Attributes(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key == self.name and value is not None:
                self.found.append(value)


def attribute_values(html: str, name: str) -> list[str]:
    """Every value of attribute `name` in the page, in order (e.g. the rows' data-sms)."""
    parser = _Attributes(name)
    parser.feed(html)
    return parser.found


class _Row(HTMLParser):
    def __init__(self, attr: str, value: str) -> None:
        super().__init__()
        self.attr, self.value = attr, value
        self.depth = 0
        self.text: list[str] = []
        self.inputs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get(self.attr) == self.value:
            self.depth = 1
        elif self.depth and tag == "tr":
            self.depth += 1
        if self.depth and tag in ("input", "button", "select"):
            self.inputs.append(found.get("name") or tag)

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "tr":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def table_row(html: str, attr: str, value: str) -> tuple[str, list[str]]:
    """The text and the form fields (by name) of the table row whose `attr` is `value`."""
    parser = _Row(attr, value)
    parser.feed(html)
    return " ".join(" ".join(parser.text).split()), parser.inputs
