"""Browser tests skip only on a machine without Chromium, and never in CI."""

from __future__ import annotations

import pytest

from tests.browser import conftest as browser


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(browser.shutil, "which", lambda _name: None)


def test_without_chromium_a_laptop_skips_saying_how_to_get_it(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser._chromium_or_skip()


def test_without_chromium_ci_fails_instead_of_skipping(
    no_chromium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser._chromium_or_skip()
