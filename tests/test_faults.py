"""A hung database never hangs a call: the caller hears the fallback within seconds."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

from desk.app import create_app
from desk.base.config import load_settings
from tests.conftest import test_overrides
from tests.helpers.faults import silent_listener
from tests.helpers.twilio import fixture, signed_post


def test_a_database_that_accepts_and_never_answers_gets_the_fallback_within_5_seconds(
    tmp_path: Path,
) -> None:
    with silent_listener() as listener:
        url = f"postgresql+psycopg://desk@127.0.0.1:{listener.port}/desk"
        settings = load_settings(
            environ={"DESK_CONFIG": str(tmp_path / "none.toml")},
            overrides=test_overrides(url, tmp_path / "instance"),
        )
        app = create_app(settings)
        client = app.test_client()
        for path in ("/webhooks/voice/incoming", "/webhooks/voice/dial-result"):
            started = time.monotonic()
            response = signed_post(client, path, fixture("voice-incoming-forwarded"))
            took = time.monotonic() - started
            assert response.status_code == 200
            assert response.mimetype == "text/xml"
            root = ET.fromstring(response.get_data(as_text=True))
            # The fallback dials the configured number, from settings alone.
            assert root.find("Dial/Number").text == "+33612000099"  # type: ignore[union-attr]
            assert took < 5.0, f"{path} answered after {took:.1f} s"
        app.extensions["desk.db"].dispose()
