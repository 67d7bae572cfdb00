"""The activity page in Chromium: the four charts are drawn, on a desk and on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.browser import LiveServer, log_in
from tests.helpers.reports import Ring, make_call, paris
from tests.helpers.routing import demo_client, secretary

pytestmark = pytest.mark.browser
CANVASES = ("heatmap-canvas", "weekly-canvas", "waits-canvas", "secretaries-canvas")


def _some_calls(live_server: LiveServer) -> None:
    with live_server.db.session() as s:
        client, claire = demo_client(s), secretary(s, "Claire")
        for day, hour, wait in ((22, 12, 6), (23, 12, 14), (23, 18, 30), (24, 13, 50)):
            make_call(
                s,
                client,
                paris(2027, 3, day, hour, 10),
                "answered",
                plan=[[claire]],
                rings=[Ring(claire, 0, 1, wait, 90, "accepted")],
            )
        make_call(s, client, paris(2027, 3, 25, 12, 30), "missed")


def _drawn(page: Any, canvas: str) -> bool:
    """Chart.js drew something: the canvas has a chart and pixels that are not blank."""
    return bool(
        page.evaluate(
            """id => {
            const c = document.getElementById(id);
            if (!window.Chart || !Chart.getChart(c)) return false;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
            return false;
        }""",
            canvas,
        )
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_client_sees_its_four_charts(page: Any, live_server: LiveServer, width: int) -> None:
    _some_calls(live_server)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "accueil@cabinet-du-parc.test")
    page.goto("/desk/reports/?from=2027-03-22&to=2027-03-28")
    assert page.locator("h1").inner_text().startswith("Activité")
    for canvas in CANVASES:
        assert _drawn(page, canvas), canvas
    assert errors == []
    # The numbers behind the heatmap, one click away.
    page.locator("#chart-heatmap summary").click()
    assert page.locator("#heatmap-table table").is_visible()
    # Nothing wider than the phone's screen but the tables that scroll.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
