"""Reading a page as a person sees it: parsed HTML, found by XPath (lxml, a dependency of
factur-x), so a test asserts what is shown where, not that some text occurs."""

from __future__ import annotations

from typing import Any

import lxml.html


def page(response: Any) -> lxml.html.HtmlElement:
    """The parsed body of a Flask test response (or of an HTML string)."""
    text = response if isinstance(response, str) else response.get_data(as_text=True)
    return lxml.html.fromstring(text)


def find(root: lxml.html.HtmlElement, xpath: str) -> lxml.html.HtmlElement | None:
    """The one element `xpath` finds, or None (two or more fail the test)."""
    found = root.xpath(xpath)
    assert len(found) <= 1, f"{xpath}: {len(found)} elements"
    return found[0] if found else None


def texts(root: lxml.html.HtmlElement, xpath: str) -> list[str]:
    """The visible text of each element `xpath` finds, spaces collapsed."""
    return [" ".join(e.text_content().split()) for e in root.xpath(xpath)]


def has_class(name: str) -> str:
    """An XPath predicate: the element has CSS class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
