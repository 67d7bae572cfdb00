"""A small network for the offers tests: a practice with a lunch gap, five partners
trained for it with agreements, the desk's own secretary; and reading an offer page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.models import (
    Client,
    Contract,
    CoverageWindow,
    Outbox,
    PartnerAgreement,
    Secretary,
    Training,
)
from desk.models.billing import PartnerMode
from desk.models.states import Channel

PARIS = ZoneInfo("Europe/Paris")
# Monday 8 March 2027, 09:00 in Paris; the gap is Tuesday's lunch, 12:00 to 14:00.
NOW = datetime(2027, 3, 8, 9, 0, tzinfo=PARIS)
GAP = (datetime(2027, 3, 9, 12, 0, tzinfo=PARIS), datetime(2027, 3, 9, 14, 0, tzinfo=PARIS))
BASE_URL = "https://desk.example.test"
LINK = re.compile(r"https?://[^/\s]+(/offers/[A-Za-z0-9_-]+)")
FIXED_CENTS = 4500


@dataclass
class Network:
    client_id: int
    slug: str
    partners: list[int]  # the first two have overflow rank 1, the others rank 2
    own: int  # the desk's own secretary, trained for the client, no shift


def network(session: Session, partners: int = 5) -> Network:
    client = Client(slug="cabinet-des-tilleuls", name="Cabinet des Tilleuls", fiche="Dr Martin")
    client.own_line = "+33140000001"
    session.add(client)
    session.flush()
    session.add(
        CoverageWindow(
            client_id=client.id, weekdays="01234", start_local=time(12), end_local=time(14)
        )
    )
    session.add(Contract(client_id=client.id, valid_from=date(2027, 1, 1), per_call_cents=150))
    ids = []
    for n in range(partners):
        person = Secretary(
            name=f"Partenaire {n + 1}",
            phone=f"+3361200010{n}",
            email=f"p{n + 1}@reseau.test",
            is_partner=True,
            languages="en" if n == 4 else "fr",
        )
        session.add(person)
        session.flush()
        session.add(Training(secretary_id=person.id, client_id=client.id, overflow_rank=1 + n // 2))
        session.add(
            PartnerAgreement(
                secretary_id=person.id,
                valid_from=date(2027, 1, 1),
                mode=PartnerMode.PER_CALL,
                fixed_cents=FIXED_CENTS,
            )
        )
        ids.append(person.id)
    own = Secretary(name="Claire Interne", phone="+33612000200", email="claire@desk.test")
    session.add(own)
    session.flush()
    session.add(Training(secretary_id=own.id, client_id=client.id))
    session.flush()
    return Network(client.id, client.slug, ids, own.id)


def links(session: Session) -> dict[str, str]:
    """Each offer SMS's link path, by recipient number (what the partner taps)."""
    found = {}
    rows = session.execute(
        select(Outbox.recipient, Outbox.body).where(
            Outbox.kind == "offer", Outbox.channel == Channel.SMS
        )
    )
    for recipient, body in rows:
        match = LINK.search(body)
        if match:
            found[recipient] = match.group(1)
    return found


VOID = frozenset({"input", "meta", "br", "link", "img", "hr"})


class Page(HTMLParser):
    """What an offer page shows: texts by id and role, the form's buttons, the CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self.buttons: list[str] = []
        self.csrf = ""
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf_token":
            self.csrf = a.get("value") or ""
        if tag == "button":
            self.buttons.append(a.get("value") or "")
        if tag in VOID:
            return
        key = a.get("id") or a.get("role") or ""
        self._open.append(key)
        if key:
            self.texts.setdefault(key, "")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for key in self._open:
            if key:
                self.texts[key] += data


def page(html: str) -> Page:
    parsed = Page()
    parsed.feed(html)
    parsed.texts = {k: " ".join(v.split()) for k, v in parsed.texts.items()}
    return parsed
