"""Browser tests: the real app on a real port, driven by real Chromium through Playwright.

The server is the app `desk run` builds, served by werkzeug in a thread on a free port
of 127.0.0.1, with `server.public_base_url` set to that address (so signed webhooks and
links are right) and the demo desk loaded, once per database backend. Chromium is the
Debian package (`/usr/bin/chromium`): Playwright's own download is never used. A failing
test leaves a screenshot and the page's HTML in `tests/artifacts/`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desk.app import create_app
from desk.base.config import load_settings
from desk.base.db import Database
from tests.conftest import test_overrides
from tests.helpers.browser import STEP_TIMEOUT_MS, LiveServer, free_port, serving
from tests.helpers.database import demo_desk

CHROMIUM = os.environ.get("DESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def _chromium_or_skip() -> str:
    """The browser's path. Missing: a skip on a laptop, a failure in CI (never a silent pass)."""
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path:
        return path
    message = (
        f"Chromium not found at {CHROMIUM}: install it (`sudo apt-get install chromium`) "
        "or point DESK_TEST_CHROMIUM at a Chromium binary"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " (CI must run the browser tests)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def live_server(db: Database, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on http://127.0.0.1:<free port>, demo desk loaded (runs once per backend)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "no-config.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance", server={"public_base_url": url}),
    )
    demo_desk(db, settings)
    app = create_app(settings)
    with serving(app, port):
        yield LiveServer(url=url, app=app, settings=settings, db=db)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STEP_TIMEOUT_MS)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keep each phase's report on the item, so the `page` fixture knows a test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) in French, STEP_TIMEOUT_MS per step."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            _keep_artifacts(tab, request.node.nodeid)
        context.close()


def _keep_artifacts(tab: Any, nodeid: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(tab.content(), encoding="utf-8")
    except Exception as exc:  # a dead page must not hide the test's own failure
        (ARTIFACTS / f"{stem}.txt").write_text(f"no screenshot: {exc}", encoding="utf-8")
