"""The words of invoice e-mails and reminders: defaults here, an admin's version in
`billing_templates`. Placeholders are checked when saved, so a typo never breaks a send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.models import BillingTemplate

KEYS = ("invoice", "reminder-7", "reminder-15", "reminder-30")
PLACEHOLDERS = ("number", "seller", "due", "issued", "total", "balance")
_SIGNATURE = "\n\nLa facture est jointe (PDF Factur-X).\n\nCordialement,\n{seller}\n"
_FACTS = "Facture {number} du {issued}, montant TTC {total}, échéance le {due}.{balance}"
DEFAULTS: dict[str, tuple[str, str]] = {
    "invoice": (
        "Facture {number} — {seller}",
        "Bonjour,\n\nVeuillez trouver ci-joint notre facture.\n\n" + _FACTS + _SIGNATURE,
    ),
    "reminder-7": (
        "Rappel : facture {number} échue le {due}",
        "Bonjour,\n\nSauf erreur de notre part, la facture ci-dessous n'est pas encore "
        "réglée.\n\n" + _FACTS + _SIGNATURE,
    ),
    "reminder-15": (
        "Deuxième rappel : facture {number} impayée",
        "Bonjour,\n\nMalgré notre premier rappel, la facture ci-dessous reste impayée.\n\n"
        + _FACTS
        + _SIGNATURE,
    ),
    "reminder-30": (
        "Mise en demeure : facture {number} impayée depuis 30 jours",
        "Bonjour,\n\nLa facture ci-dessous est impayée depuis 30 jours après son échéance. "
        "Des pénalités de retard et l'indemnité forfaitaire de 40 € sont exigibles ; sans "
        "règlement, la permanence téléphonique pourra être suspendue.\n\n" + _FACTS + _SIGNATURE,
    ),
}


@dataclass(frozen=True)
class Wording:
    key: str
    subject: str
    body: str
    custom: bool


def key_for(level: int) -> str:
    return "invoice" if level == 0 else f"reminder-{level}"


def wording(session: Session, key: str) -> Wording:
    row = session.get(BillingTemplate, key)
    if row is not None:
        return Wording(key, row.subject, row.body, True)
    subject, body = DEFAULTS[key]
    return Wording(key, subject, body, False)


def all_wordings(session: Session) -> list[Wording]:
    return [wording(session, key) for key in KEYS]


def _check(text: str, field: str) -> None:
    try:
        text.format(**{name: "x" for name in PLACEHOLDERS})
    except (KeyError, IndexError, ValueError):
        raise DomainError(
            "billing_bad_template", field=field, names=", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        ) from None


def set_wording(session: Session, key: str, subject: str, body: str, now: datetime) -> Wording:
    """Save an admin's wording; an empty subject and body go back to the default."""
    if key not in KEYS:
        raise DomainError("not_found")
    row = session.get(BillingTemplate, key)
    if not subject.strip() and not body.strip():
        if row is not None:
            session.delete(row)
            session.flush()
        return wording(session, key)
    _check(subject, "subject")
    _check(body, "body")
    if row is None:
        row = BillingTemplate(key=key, subject=subject, body=body)
        session.add(row)
    row.subject, row.body, row.updated_at = subject.strip(), body, now
    session.flush()
    return wording(session, key)
