"""The words of invoice e-mails and reminders: defaults here, an admin's version in
`billing_templates`. Placeholders are checked when saved, so a typo never breaks a send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from desk.base.errors import DomainError
from desk.base.words import DEFAULT_LOCALE, N_, gettext_for
from desk.models import BillingTemplate

KEYS = ("invoice", "reminder-7", "reminder-15", "reminder-30")
PLACEHOLDERS = ("number", "seller", "due", "issued", "total", "balance")
# The defaults, in the client's language (the catalogue); an admin's version is sent as
# typed. A body is its paragraphs: the greeting, the key's own words, the facts, the closing.
_GREETING = N_("Hello,")
_FACTS = N_("Invoice {number} of {issued}, total incl. VAT {total}, due on {due}.{balance}")
_ATTACHED = N_("The invoice is attached (Factur-X PDF).")
_CLOSING = N_("Kind regards,\n{seller}")
DEFAULTS: dict[str, tuple[str, str]] = {
    "invoice": (N_("Invoice {number} — {seller}"), N_("Please find our invoice attached.")),
    "reminder-7": (
        N_("Reminder: invoice {number} due on {due}"),
        N_("Unless we are mistaken, the invoice below is not paid yet."),
    ),
    "reminder-15": (
        N_("Second reminder: invoice {number} unpaid"),
        N_("Despite our first reminder, the invoice below is still unpaid."),
    ),
    "reminder-30": (
        N_("Formal notice: invoice {number} unpaid for 30 days"),
        N_(
            "The invoice below is unpaid 30 days after its due date. Late-payment penalties "
            "and the fixed recovery fee of 40 € are due; without payment, the telephone "
            "answering service may be suspended."
        ),
    ),
}


def balance_text(amount: str, locale: str = DEFAULT_LOCALE) -> str:
    """The `{balance}` of a partly paid invoice, in the client's language."""
    return " " + gettext_for(locale)("Left to pay: %(amount)s.") % {"amount": amount}


@dataclass(frozen=True)
class Wording:
    key: str
    subject: str
    body: str
    custom: bool


def key_for(level: int) -> str:
    return "invoice" if level == 0 else f"reminder-{level}"


def wording(session: Session, key: str, locale: str = DEFAULT_LOCALE) -> Wording:
    """The admin's version of `key`, else the default in `locale`."""
    row = session.get(BillingTemplate, key)
    if row is not None:
        return Wording(key, row.subject, row.body, True)
    subject, words = DEFAULTS[key]
    _ = gettext_for(locale)
    paragraphs = (_GREETING, words, _FACTS, _ATTACHED, _CLOSING)
    return Wording(key, _(subject), "\n\n".join(_(p) for p in paragraphs) + "\n", False)


def all_wordings(session: Session, locale: str = DEFAULT_LOCALE) -> list[Wording]:
    return [wording(session, key, locale) for key in KEYS]


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
