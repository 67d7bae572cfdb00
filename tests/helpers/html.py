"""Reading a page as a person's browser would: parsed HTML, elements found by XPath, their
text with white space folded; or every element listed with its attributes, its text and
what it sits in (`elements`, `by_id`, `inside`). Tests assert on what these return, never
on slices of the page's source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from lxml.html import HtmlElement


def parse(page: Any) -> HtmlElement:
    """The document of a response (anything with `get_data`) or of HTML text; an element
    already parsed as it is."""
    if isinstance(page, HtmlElement):
        return page
    text = page.get_data(as_text=True) if hasattr(page, "get_data") else page
    return lxml_html.document_fromstring(text)


def one(root: HtmlElement, xpath: str) -> HtmlElement:
    """The single element `xpath` finds under `root`."""
    found = root.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} found"
    return found[0]


def text(element: HtmlElement) -> str:
    """Its text as read on screen: every descendant's, white space folded."""
    return " ".join(element.text_content().split())


def texts(root: HtmlElement, xpath: str) -> list[str]:
    return [text(element) for element in root.xpath(xpath)]


def has_class(name: str) -> str:
    """An XPath predicate: the element's class attribute lists `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def options(page: Any, named: str = ".*") -> list[str]:
    """The labels of the page's menu options that match `named` whole."""
    return [label for label in texts(parse(page), "//option") if re.fullmatch(named, label)]


def page(response: Any) -> HtmlElement:
    """The parsed page of a Flask test response (or of HTML text)."""
    return parse(response)


def find(root: HtmlElement, xpath: str) -> HtmlElement | None:
    """The one element `xpath` finds, or None (two or more fail the test)."""
    found = root.xpath(xpath)
    assert len(found) <= 1, f"{xpath}: {len(found)} elements"
    return found[0] if found else None


@dataclass
class Element:
    """One element of a page: its tag, attributes (a bare one, `hidden`, valued with its
    name, as lxml reads it), its text (its own and its descendants', as written) and the
    elements it sits in, outermost first."""

    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: list[Element] = field(default_factory=list)

    def within(self, element_id: str) -> bool:
        return any(p.attrs.get("id") == element_id for p in self.parents)


def elements(page: Any) -> list[Element]:
    """Every element of the page, in document order."""
    found: list[Element] = []
    made: dict[HtmlElement, Element] = {}
    for node in parse(page).iter():
        if not isinstance(node.tag, str):  # a comment or a processing instruction
            continue
        above = made.get(node.getparent())
        parents = [*above.parents, above] if above is not None else []
        attrs = {name: value or "" for name, value in node.attrib.items()}
        made[node] = Element(node.tag, attrs, node.text_content(), parents)
        found.append(made[node])
    return found


def by_id(page: Any, element_id: str) -> Element | None:
    return next((e for e in elements(page) if e.attrs.get("id") == element_id), None)


def inside(page: Any, element_id: str, tag: str) -> list[Element]:
    """Elements `tag` inside the element `element_id`."""
    return [e for e in elements(page) if e.tag == tag and e.within(element_id)]
