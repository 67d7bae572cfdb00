"""Helpers for rota and routing tests: Paris wall time, the demo's people, TwiML parsing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.demo import DEMO_SLUG
from desk.models import Client, Secretary

PARIS = ZoneInfo("Europe/Paris")
DESK_NUMBER = "+33199001234"
CLAIRE, SOPHIE, INES = "+33612000001", "+33612000002", "+33612000003"
VOICE = "https://desk.example.test/webhooks/voice"


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Paris wall time as an aware UTC instant."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def demo_client(session: Session) -> Client:
    client = session.scalar(select(Client).where(Client.slug == DEMO_SLUG))
    assert client is not None
    return client


def secretary(session: Session, name: str) -> Secretary:
    found = session.scalar(select(Secretary).where(Secretary.name == name))
    assert found is not None
    return found


def twiml(response: Any) -> ET.Element:
    """The TwiML of a response, parsed; fails unless it is XML with a <Response> root."""
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def dialled(root: ET.Element) -> list[str]:
    """The numbers of the response's <Dial>, in order."""
    (dial,) = root.findall("Dial")
    return [(n.text or "") for n in dial.findall("Number")]
