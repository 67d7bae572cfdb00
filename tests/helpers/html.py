"""Reading a page as a person's browser would: parsed HTML, elements found by XPath, their
text with white space folded. Tests assert on what these return, never on slices of the
page's source."""

from __future__ import annotations

import re
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
