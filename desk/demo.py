"""The demo desk: one dental practice, a pair of secretaries and a partner (idempotent)."""

from __future__ import annotations

import secrets
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.passwords import hash_password
from desk.base.phone import normalise
from desk.models import (
    AppointmentType,
    Client,
    Contact,
    Contract,
    CoverageWindow,
    DeskIdentity,
    DeskNumber,
    FeedToken,
    OpeningHours,
    Practitioner,
    Secretary,
    Shift,
    Training,
    User,
    VatStatus,
)

DEMO_SLUG = "cabinet-du-parc"
DEMO_PASSWORD = "permanence"
WEEKDAYS = "01234"
SATURDAY = "5"

LOGINS = (
    ("admin@permanence.test", "Admin", "admin", None),
    ("claire@permanence.test", "Claire Dubois", "secretary", "Claire"),
    ("sophie@permanence.test", "Sophie Martin", "secretary", "Sophie"),
    ("ines@permanence.test", "Inès Benali", "secretary", "Inès"),
    ("accueil@cabinet-du-parc.test", "Accueil du cabinet", "client", None),
)


def load_demo(session: Session, settings: Settings, now: datetime) -> str:
    """Create the demo desk unless it exists (its bookings around `now`); return what to
    print (logins, feed URL)."""
    client = session.scalar(select(Client).where(Client.slug == DEMO_SLUG))
    if client is None:
        client = _create(session, now)
    if DeskIdentity.get(session) is None:
        # What the set-up page asks a real desk; quotes and invoices read it.
        session.add(
            DeskIdentity(
                desk_name="Permanence (démo)",
                legal_name="Permanence Démo SAS",
                siret="73282932000074",
                address="1 place de la Comédie\n34000 Montpellier",
                vat_status=VatStatus.SUBJECT,
                vat_number="FR44732829320",
                timezone="Europe/Paris",
            )
        )
        session.flush()
    token = session.scalar(
        select(FeedToken.token).where(
            FeedToken.client_id == client.id,
            FeedToken.practitioner_id.is_(None),
            FeedToken.revoked_at.is_(None),
        )
    )
    base = settings["server.public_base_url"]
    lines = [
        f"Demo desk: {client.name} ({client.slug}), desk number +33 1 99 00 12 34",
        f"Web desk: {base}/desk/",
        f"Logins (password '{DEMO_PASSWORD}'):",
        *[f"  {role:<9} {email}" for email, _, role, _ in LOGINS],
        f"Calendar feed: {base}/feeds/{token}.ics",
    ]
    return "\n".join(lines)


def _create(session: Session, now: datetime) -> Client:
    client = Client(
        slug=DEMO_SLUG,
        name="Cabinet dentaire du Parc",
        timezone="Europe/Paris",
        locale="fr",
        greeting="Cabinet dentaire du Parc, bonjour. Nous vous mettons en relation.",
        fiche=(
            "Dire : « Cabinet dentaire du Parc, bonjour. »\n"
            "Urgences dentaires (douleur, traumatisme) : proposer le créneau d'urgence du jour.\n"
            "Ne jamais donner de conseil médical. Devis : message pour le Dr Martin."
        ),
        own_line=normalise("01 45 00 00 00"),
        after_hours_mode="message",
        after_hours_message=(
            "Le cabinet est fermé. En cas d'urgence dentaire, appelez le 15. "
            "Vous pouvez laisser un message après le bip."
        ),
        emergency_number="+33115",
    )
    session.add(client)
    session.flush()
    session.add(
        DeskNumber(client_id=client.id, number=normalise("+33 1 99 00 12 34"), label="Ligne")
    )
    for weekdays, start, end in (
        (WEEKDAYS, time(12), time(14)),
        (WEEKDAYS, time(18), time(19)),
        (SATURDAY, time(8), time(12)),
    ):
        session.add(
            CoverageWindow(client_id=client.id, weekdays=weekdays, start_local=start, end_local=end)
        )
    session.add(
        Contact(
            client_id=client.id,
            name="Accueil du cabinet",
            phone=normalise("06 12 00 00 09"),
            email="accueil@cabinet-du-parc.test",
        )
    )
    session.add(
        Contract(
            client_id=client.id,
            monthly_fee_cents=8900,
            included_calls=100,
            price_per_call_cents=90,
            price_per_block_cents=0,
            partner_share_percent=70,
        )
    )
    martin = Practitioner(
        client_id=client.id, name="Dr Paul Martin", specialty="Chirurgien-dentiste"
    )
    leroy = Practitioner(client_id=client.id, name="Dr Anne Leroy", specialty="Orthodontiste")
    session.add_all([martin, leroy])
    session.flush()
    for weekday in range(5):
        session.add(
            OpeningHours(
                practitioner_id=martin.id, weekday=weekday, start_local=time(9), end_local=time(12)
            )
        )
        session.add(
            OpeningHours(
                practitioner_id=martin.id, weekday=weekday, start_local=time(14), end_local=time(18)
            )
        )
    for weekday in (1, 3):
        session.add(
            OpeningHours(
                practitioner_id=leroy.id,
                weekday=weekday,
                start_local=time(9),
                end_local=time(12, 30),
            )
        )
        session.add(
            OpeningHours(
                practitioner_id=leroy.id, weekday=weekday, start_local=time(14), end_local=time(19)
            )
        )
    session.add(
        OpeningHours(practitioner_id=leroy.id, weekday=5, start_local=time(9), end_local=time(12))
    )
    session.add_all(
        [
            AppointmentType(
                client_id=client.id, name="Consultation", duration_minutes=30, buffer_minutes=0
            ),
            AppointmentType(
                client_id=client.id, name="Soins", duration_minutes=45, buffer_minutes=5
            ),
            AppointmentType(
                client_id=client.id, name="Urgence", duration_minutes=15, buffer_minutes=0
            ),
        ]
    )

    claire = Secretary(
        name="Claire", phone=normalise("+33 6 12 00 00 01"), email="claire@permanence.test"
    )
    sophie = Secretary(
        name="Sophie", phone=normalise("+33 6 12 00 00 02"), email="sophie@permanence.test"
    )
    ines = Secretary(
        name="Inès",
        phone=normalise("+33 6 12 00 00 03"),
        email="ines@permanence.test",
        languages="fr,en,ar",
        is_partner=True,
    )
    session.add_all([claire, sophie, ines])
    session.flush()
    session.add_all(
        [
            Training(secretary_id=claire.id, client_id=client.id),
            Training(secretary_id=sophie.id, client_id=client.id),
            Training(secretary_id=ines.id, client_id=client.id, overflow_rank=1),
        ]
    )
    # The pair: Claire leads weekday lunches, Sophie evenings and Saturdays; each backs the other.
    for secretary, rank, weekdays, start, end in (
        (claire, 1, WEEKDAYS, time(12), time(14)),
        (sophie, 2, WEEKDAYS, time(12), time(14)),
        (sophie, 1, WEEKDAYS, time(18), time(19)),
        (claire, 2, WEEKDAYS, time(18), time(19)),
        (sophie, 1, SATURDAY, time(8), time(12)),
        (claire, 2, SATURDAY, time(8), time(12)),
    ):
        session.add(
            Shift(
                secretary_id=secretary.id,
                client_id=client.id,
                weekdays=weekdays,
                start_local=start,
                end_local=end,
                rank=rank,
            )
        )

    by_name = {"Claire": claire, "Sophie": sophie, "Inès": ines}
    password = hash_password(DEMO_PASSWORD)
    for email, name, role, secretary_name in LOGINS:
        login_secretary = by_name.get(secretary_name or "")
        session.add(
            User(
                email=email,
                name=name,
                role=role,
                password_hash=password,
                secretary_id=login_secretary.id if login_secretary else None,
                client_id=client.id if role == "client" else None,
            )
        )
    session.add(FeedToken(client_id=client.id, token=secrets.token_urlsafe(32)))
    session.flush()

    from scheduling.demo import book_demo_appointments

    book_demo_appointments(session, client, now)
    return client
