"""Small builders for the messages tests (clients with contacts, secretaries, calls)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desk.base.config import Settings, load_settings
from desk.base.db import Database
from desk.models import Call, Client, Contact, CoverageWindow, Secretary
from tests.conftest import test_overrides

# A Tuesday in winter (Paris = UTC+1): 11:30 UTC is 12:30 in Paris, inside a 12-14 window.
TUESDAY_NOON = datetime(2025, 1, 14, 11, 30, tzinfo=UTC)


def make_settings(db: Database, tmp_path: Path, *extras: dict[str, dict[str, Any]]) -> Settings:
    merged: dict[str, dict[str, Any]] = {}
    for extra in extras:
        for section, keys in extra.items():
            merged.setdefault(section, {}).update(keys)
    return load_settings(
        environ={"DESK_CONFIG": str(tmp_path / "no-config.toml")},
        overrides=test_overrides(db.url, tmp_path / "instance", **merged),
    )


def make_client(
    session: Session,
    *,
    delivery: str = "immediate",
    contacts: list[dict[str, Any]] | None = None,
    windows: bool = True,
) -> Client:
    client = Client(slug=f"c-{uuid.uuid4().hex[:8]}", name="Cabinet du Parc")
    client.message_delivery = delivery
    session.add(client)
    session.flush()
    if contacts is None:
        contacts = [{"name": "Accueil", "phone": "+33612000009", "email": "accueil@parc.test"}]
    for data in contacts:
        session.add(Contact(client_id=client.id, **data))
    if windows:
        session.add(
            CoverageWindow(
                client_id=client.id, weekdays="01234", start_local=time(12), end_local=time(14)
            )
        )
    session.flush()
    session.refresh(client)
    return client


def make_secretary(session: Session, phone: str = "+33612000001", name: str = "Alice") -> Secretary:
    secretary = Secretary(name=name, phone=phone)
    session.add(secretary)
    session.flush()
    return secretary


def make_call(
    session: Session,
    client: Client,
    *,
    plan: list[int] | None = None,
    caller: str = "+33611223344",
    at: datetime = TUESDAY_NOON,
) -> Call:
    call = Call(
        call_sid="CA" + uuid.uuid4().hex,
        client_id=client.id,
        to_number="+33199001234",
        caller=caller,
        started_at=at,
        plan=[[secretary_id] for secretary_id in plan or []],  # one step per secretary
    )
    session.add(call)
    session.flush()
    return call
