"""Quotes (devis): priced by a plan from a prospect's needs, e-mailed with a one-use link.

Accepting keeps the evidence: the name typed, the "bon pour accord" ticked, the time, the
address it came from and the SHA-256 of the exact PDF shown. The link is a 256-bit token of
which only a hash is stored; it works once (a compare-and-set on the quote's state) and
until the quote's validity ends. A quote whose stored PDF no longer has the hash it was sent
with, or a form carrying another hash, is refused as tampered.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from desk.base.db import begin_immediate
from desk.base.errors import DomainError
from desk.base.plain_text import free_text, one_line
from desk.base.words import DEFAULT_LOCALE, gettext_for
from desk.billing.document import Document, Party
from desk.billing.money import euros
from desk.billing.numbering import QUOTE_SERIES, next_number
from desk.billing.parties import billing_email, seller, set_buyer
from desk.billing.pdf import render_quote
from desk.billing.plans import PRICE_FIELDS, plan_by_name, set_contract
from desk.billing.pricing import Line, blocks_of, totals
from desk.models import (
    BuyerIdentity,
    Client,
    Contact,
    Contract,
    CoverageDecision,
    CoverageWindow,
    PricePlan,
    Quote,
)
from desk.models.billing import QuoteState
from desk.models.states import Channel
from desk.outbox.queue import enqueue

VALID_DAYS = 30
# An estimate needs a length of call; two minutes is the desk's usual average.
AVERAGE_CALL_SECONDS = 120
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The quote's own wording (its PDF is French whatever the locale: docs/billing.md).
DAYS_FR = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")


def coverage_lines(session: Session, client: Client) -> str:
    """The client's coverage as a quote describes it: "lun-ven 12:00-14:00", one a line."""
    rows = session.scalars(
        select(CoverageWindow)
        .where(CoverageWindow.client_id == client.id)
        .order_by(CoverageWindow.id)
    )
    lines = []
    for w in rows:
        digits = [int(c) for c in w.weekdays]
        contiguous = digits == list(range(digits[0], digits[-1] + 1)) if digits else False
        days = (
            f"{DAYS_FR[digits[0]]}-{DAYS_FR[digits[-1]]}"
            if contiguous and len(digits) > 1
            else ",".join(DAYS_FR[d] for d in digits)
        )
        lines.append(f"{days} {w.start_local:%H:%M}-{w.end_local:%H:%M}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Needs:
    windows: list[str]  # "lun-ven 12:00-14:00"
    calls_per_week: int
    options: list[str]

    def as_dict(self) -> dict[str, object]:
        return {
            "windows": self.windows,
            "calls_per_week": self.calls_per_week,
            "options": self.options,
        }


def _hash(value: str | bytes) -> str:
    data = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()


def estimate(plan: PricePlan, needs: Needs) -> list[Line]:
    """A month's lines for the expected calls (52 weeks / 12 months), priced by `plan`."""
    vat = 0 if plan.vat_franchise else plan.vat_rate_bp
    calls = round(needs.calls_per_week * 52 / 12)
    billed = max(0, calls - plan.included_calls)
    lines = []
    if plan.monthly_fee_cents:
        label = "Forfait mensuel"
        if plan.included_calls:
            label += f" ({plan.included_calls} appels inclus)"
        lines.append(Line(label, 1, plan.monthly_fee_cents, plan.monthly_fee_cents, vat))
    if billed and plan.per_call_cents:
        total = billed * plan.per_call_cents
        lines.append(Line(f"Appels au-delà du forfait (estimation : {billed})", billed,
                          plan.per_call_cents, total, vat))  # fmt: skip
    if billed and plan.per_block_cents:
        blocks = billed * blocks_of(AVERAGE_CALL_SECONDS, plan.block_seconds)
        lines.append(Line(f"Minutes de communication (estimation, tranches de "
                          f"{plan.block_seconds} s)", blocks, plan.per_block_cents,
                          blocks * plan.per_block_cents, vat))  # fmt: skip
    return lines


def create_quote(
    session: Session,
    *,
    prospect_name: str,
    prospect_email: str,
    plan_name: str,
    needs: Needs,
    now: datetime,
    base_url: str,
    siren: str = "",
    address: str = "",
    locale: str = DEFAULT_LOCALE,
    client_id: int | None = None,
) -> tuple[Quote, str]:
    """Number, price and print a quote, and e-mail it with its acceptance link (the e-mail
    in `locale`, the desk's language: a prospect has none yet; the PDF stays French).

    With `client_id`, the quote is for that existing client: its legal identity and billing
    e-mail are the quote's (unless given), and accepting it sets THAT client's contract.
    Returns the quote and the link's token (shown once: only its hash is kept).
    """
    if client_id is not None:
        client = session.get(Client, client_id)
        if client is None:
            raise DomainError("client_not_found", field="client")
        buyer_row = session.get(BuyerIdentity, client.id)
        prospect_name = prospect_name.strip() or (
            buyer_row.legal_name if buyer_row is not None else client.name
        )
        prospect_email = prospect_email.strip() or billing_email(session, client)
        if buyer_row is not None:
            siren = siren or buyer_row.siren
            address = address or buyer_row.address
    # Printed in the PDF before the row is written: cleaned here (desk.base.plain_text).
    prospect_name, address = one_line(prospect_name), free_text(address)
    if not prospect_name.strip():
        raise DomainError("billing_quote_name_required", field="name")
    if not EMAIL.match(prospect_email.strip()):
        raise DomainError("billing_bad_email", field="email")
    if needs.calls_per_week < 0:
        raise DomainError("billing_negative_price", field="calls_per_week")
    plan = plan_by_name(session, plan_name)
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    valid_until = today + timedelta(days=VALID_DAYS)
    lines = estimate(plan, needs)
    number = next_number(session, QUOTE_SERIES, today.year)
    buyer = Party(prospect_name.strip(), siren.replace(" ", ""), address, email=prospect_email)
    doc = Document(
        number=number,
        type_code="quote",
        issued_on=today,
        due_on=valid_until,
        seller=seller(session),
        buyer=buyer,
        lines=lines,
        totals=totals(lines, plan.vat_franchise),
        payment_days=plan.payment_days,
        notes=[f"Tarif : {plan.name}. Paiement à {plan.payment_days} jours."],
    )
    described = [f"Couverture : {w}" for w in needs.windows] + [
        f"Appels attendus : {needs.calls_per_week} par semaine",
        *[f"Option : {o}" for o in needs.options],
    ]
    pdf = render_quote(doc, described, f"{valid_until:%d/%m/%Y}")
    token = secrets.token_urlsafe(32)
    quote = Quote(
        number=number,
        prospect_name=buyer.name,
        prospect_email=prospect_email.strip(),
        prospect_siren=buyer.siren,
        prospect_address=address,
        needs=needs.as_dict(),
        plan_id=plan.id,
        monthly_estimate_cents=doc.totals.ttc_cents,
        issued_on=today,
        valid_until=valid_until,
        pdf=pdf,
        pdf_sha256=_hash(pdf),
        token_hash=_hash(token),
        token_expires_at=datetime.combine(
            valid_until + timedelta(days=1), datetime.min.time(), ZoneInfo("Europe/Paris")
        ),
        client_id=client_id,
    )
    session.add(quote)
    session.flush()
    link = f"{base_url.rstrip('/')}/quote/{token}"
    _ = gettext_for(locale)
    words = {
        "number": number,
        "seller": doc.seller.name,
        "total": euros(doc.totals.ttc_cents),
        "until": f"{valid_until:%d/%m/%Y}",
        "link": link,
    }
    enqueue(
        session,
        channel=Channel.EMAIL,
        recipient=quote.prospect_email,
        subject=_("Quote %(number)s — %(seller)s") % words,
        body=_(
            "Hello,\n\nHere is our quote %(number)s (%(total)s incl. VAT per month, "
            "estimate), valid until %(until)s.\n\nTo accept it: %(link)s\n\n"
            "Kind regards,\n%(seller)s\n"
        )
        % words,
        kind="quote",
        dedupe_key=f"quote:{quote.id}",
        attachments=[(f"{number}.pdf", "application/pdf", pdf)],
    )
    return quote, token


def _superseded() -> ColumnElement[bool]:
    """A newer quote went to the same prospect (same e-mail): this one's link is dead, so
    nobody accepts prices the desk has since replaced (issue 26)."""
    newer = aliased(Quote)
    return exists().where(
        func.lower(newer.prospect_email) == func.lower(Quote.prospect_email), newer.id > Quote.id
    )


def quote_for_token(session: Session, token: str, now: datetime) -> Quote:
    """The quote a link opens, if it is still open (one use, not expired, not replaced)."""
    quote = session.scalar(select(Quote).where(Quote.token_hash == _hash(token), ~_superseded()))
    if quote is None or quote.state != QuoteState.SENT or quote.token_expires_at <= now:
        raise DomainError("billing_quote_link_invalid")
    return quote


def accept_quote(
    session: Session,
    token: str,
    *,
    typed_name: str,
    consent: bool,
    shown_sha256: str,
    ip: str,
    now: datetime,
) -> Client:
    """Accept the quote: keep the evidence; set the contract of the client it was made for
    (a prospect's quote creates that client first) and start its coverage.

    Takes the write lock first (SQLite) and wins the quote by a compare-and-set on its
    state, so two acceptances racing each other make one client and one contract.
    """
    # SQLite's write lock first: twenty sessions accepting at once were 503s there (a read
    # snapshot cannot become a write one after another's commit); now one wins, the others
    # are told the link is used.
    begin_immediate(session)
    quote = quote_for_token(session, token, now)
    if not typed_name.strip():
        raise DomainError("billing_quote_name_required", field="name")
    if not consent:
        raise DomainError("billing_quote_consent_required", field="consent")
    if _hash(quote.pdf) != quote.pdf_sha256 or shown_sha256 != quote.pdf_sha256:
        raise DomainError("billing_quote_tampered")
    won = session.execute(
        update(Quote)
        .where(Quote.id == quote.id, Quote.state == QuoteState.SENT, ~_superseded())
        .where(Quote.token_expires_at > now)
        .values(
            state=QuoteState.ACCEPTED,
            accepted_at=now,
            accepted_name=one_line(typed_name).strip()[:200],  # a Core update: cleaned here
            accepted_ip=ip[:64],
            accepted_sha256=shown_sha256,
        )
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("billing_quote_link_invalid")
    existing = session.get(Client, quote.client_id) if quote.client_id is not None else None
    client = existing if existing is not None else _new_client(session, quote)
    if existing is not None and session.get(BuyerIdentity, client.id) is None:
        # Invoices go to whom the quote went, under the name it was made out to.
        set_buyer(
            session,
            client.id,
            legal_name=quote.prospect_name,
            siren=quote.prospect_siren,
            address=quote.prospect_address,
            billing_email=quote.prospect_email,
        )
    plan = session.get(PricePlan, quote.plan_id)
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    in_force = session.scalar(
        select(Contract).where(Contract.client_id == client.id, Contract.valid_from == today)
    )
    if in_force is None:
        set_contract(session, client.id, today, plan=plan, quote_id=quote.id)
    elif plan is not None:
        # A contract set today already (by hand): the accepted quote's prices replace it.
        for name in PRICE_FIELDS:
            setattr(in_force, name, getattr(plan, name))
        in_force.plan_id, in_force.quote_id = plan.id, quote.id
    session.execute(update(Quote).where(Quote.id == quote.id).values(client_id=client.id))
    client.coverage_suspended = False
    session.add(CoverageDecision(client_id=client.id, action="start", reason=quote.number))
    session.flush()
    return client


def _new_client(session: Session, quote: Quote) -> Client:
    """The client a prospect's accepted quote makes, with its contact and legal identity."""
    client = Client(slug=_free_slug(session, quote.prospect_name), name=quote.prospect_name)
    session.add(client)
    session.flush()
    session.add(Contact(client_id=client.id, name=quote.prospect_name, email=quote.prospect_email))
    set_buyer(
        session,
        client.id,
        legal_name=quote.prospect_name,
        siren=quote.prospect_siren,
        address=quote.prospect_address,
        billing_email=quote.prospect_email,
    )
    return client


def _free_slug(session: Session, name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:50] or "client"
    slug, n = base, 1
    while session.scalar(select(Client.id).where(Client.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def start_coverage(
    session: Session, client_id: int, by_user_id: int | None, reason: str = ""
) -> CoverageDecision:
    """Let a client's coverage start: it needs an accepted quote, or an admin's written
    reason (kept as an override)."""
    accepted = session.scalar(
        select(Quote.id).where(Quote.client_id == client_id, Quote.state == QuoteState.ACCEPTED)
    )
    if accepted is None and not reason.strip():
        raise DomainError("billing_no_accepted_quote", field="reason")
    client = session.get(Client, client_id)
    if client is None:
        raise DomainError("not_found")
    client.coverage_suspended = False
    decision = CoverageDecision(
        client_id=client_id,
        action="start" if accepted is not None else "override",
        reason=reason.strip(),
        by_user_id=by_user_id,
    )
    session.add(decision)
    session.flush()
    return decision


def coverage_basis(session: Session) -> dict[int, str]:
    """Per client, on what its coverage rests: "quote" (accepted), "override" (an admin's
    written reason); clients with neither are missing."""
    basis: dict[int, str] = {}
    for client_id in session.scalars(
        select(Quote.client_id).where(
            Quote.state == QuoteState.ACCEPTED, Quote.client_id.isnot(None)
        )
    ):
        if client_id is not None:
            basis[client_id] = "quote"
    for client_id in session.scalars(
        select(CoverageDecision.client_id).where(CoverageDecision.action == "override")
    ):
        basis.setdefault(client_id, "override")
    return basis
