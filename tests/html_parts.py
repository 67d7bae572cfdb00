"""A page's elements read with the standard library's HTML parser (no text matching):
`elements(page)` lists every element with its attributes and its own text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: list[Element] = field(default_factory=list)

    def within(self, element_id: str) -> bool:
        return any(p.attrs.get("id") == element_id for p in self.parents)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parents=list(self.open))
        self.found.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def elements(page: str) -> list[Element]:
    parser = _Parser()
    parser.feed(page)
    return parser.found


def by_id(page: str, element_id: str) -> Element | None:
    return next((e for e in elements(page) if e.attrs.get("id") == element_id), None)


def inside(page: str, element_id: str, tag: str) -> list[Element]:
    """Elements `tag` inside the element `element_id`."""
    return [e for e in elements(page) if e.tag == tag and e.within(element_id)]
