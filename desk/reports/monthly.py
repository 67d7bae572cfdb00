"""The monthly activity report: one HTML e-mail per client and month, through the outbox.

At the start of a month the job (desk/jobs/reports.py) calls `send_monthly_reports`: for
every active client a `MonthlyReport` row for last month is made if missing, then claimed
by compare-and-set (`UPDATE … SET claimed_at = now WHERE claimed_at IS NULL`); only the
claim that changed the row enqueues the e-mails, in the same transaction. A second job
run, a second scheduler or a crash and restart can therefore never send a report twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk.base.words import N_, translator
from desk.models import Client, Contact, CoverageWindow, MonthlyReport
from desk.outbox.queue import enqueue
from desk.reports.facts import Period
from desk.reports.measures import Activity, Measures
from desk.reports.periods import client_activity

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
)
# Rows of the comparison table: (measure attribute, label msgid, kind).
COMPARED = (
    ("offered", N_("Calls offered"), "count"),
    ("answered", N_("Answered"), "count"),
    ("answer_rate", N_("Answer rate"), "rate"),
    ("median_wait_seconds", N_("Median time to answer (s)"), "seconds"),
    ("human_p50_seconds", N_("Median time to a human, the wait included (s)"), "seconds"),
    ("abandoned_waiting", N_("Hung up while waiting"), "count"),
    ("callbacks_asked", N_("Callbacks asked"), "count"),
    ("abandoned", N_("Abandoned while ringing"), "count"),
    ("voicemails", N_("Voicemails"), "count"),
    ("after_hours", N_("After hours"), "count"),
    ("messages_taken", N_("Messages taken"), "count"),
    ("appointments_booked", N_("Appointments booked"), "count"),
)


@dataclass(frozen=True)
class Built:
    subject: str
    text: str
    html: str


def report_month(now: datetime, tz: ZoneInfo) -> date:
    """The month whose report is due at `now`: last month in local time."""
    first_of_this = now.astimezone(tz).date().replace(day=1)
    return (first_of_this - timedelta(days=1)).replace(day=1)


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _delta(now: Any, before: Any, kind: str) -> str:
    if now is None or before is None:
        return ""
    change = now - before
    if round(change * (100 if kind == "rate" else 1)) == 0:
        return "="
    if kind == "rate":
        return f"{change * 100:+.0f} pt"
    return f"{change:+.0f}"


def _value(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "rate":
        return f"{value * 100:.0f} %"
    return f"{value:.0f}"


def build_report(session: Session, client: Client, month: date) -> Built:
    """The e-mail for `client`'s activity in `month`, beside the month before."""
    this = client_activity(session, client, month, _month_end(month))
    last_month = Period(month, month, ZoneInfo(client.timezone)).previous_month()
    before = client_activity(session, client, last_month.first, last_month.last)
    locale = client.locale or "fr"
    translations = translator(locale)
    env = _env.overlay()
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    gettext = translations.gettext
    title = format_date(month, "MMMM y", locale=locale)
    rows = [
        {
            "label": gettext(label),
            "now": _value(getattr(this.measures, attr), kind),
            "before": _value(getattr(before.measures, attr), kind),
            "change": _delta(getattr(this.measures, attr), getattr(before.measures, attr), kind),
        }
        for attr, label, kind in COMPARED
    ]
    context = _context(client, this, rows, title, before.measures)
    html = env.get_template("reports/monthly_email.html").render(**context)
    text = "\n".join(
        [
            f"{client.name}, {title}",
            "",
            *(f"{r['label']}: {r['now']} ({r['before']}, {r['change'] or '='})" for r in rows),
        ]
    )
    subject = gettext("Activity report, %(month)s, %(client)s") % {
        "month": title,
        "client": client.name,
    }
    return Built(subject, text, html)


def _context(
    client: Client, this: Activity, rows: list[dict[str, str]], title: str, before: Measures
) -> dict[str, Any]:
    per_day = [sum(hours) for hours in this.heatmap]
    per_hour = [sum(this.heatmap[d][h] for d in range(7)) for h in range(24)]
    hours = [h for h in range(24) if per_hour[h]]
    return {
        "client": client,
        "title": title,
        "m": this.measures,
        "before": before,
        "rows": rows,
        "days": per_day,
        "days_most": max(per_day) or 1,
        "hours": [(h, per_hour[h]) for h in hours],
        "hours_most": max(per_hour) or 1,
        "waits": this.wait_distribution,
        "waits_most": max(b["calls"] for b in this.wait_distribution) or 1,
    }


def _recipients(session: Session, client: Client) -> list[Contact]:
    return list(
        session.scalars(
            select(Contact).where(
                Contact.client_id == client.id,
                Contact.receives_email.is_(True),
                Contact.email.is_not(None),
                Contact.email != "",
            )
        )
    )


def claim(session: Session, client_id: int, month: date, now: datetime) -> MonthlyReport | None:
    """The client's report row for `month`, if this call is the one that claimed it."""
    row = session.scalar(
        select(MonthlyReport).where(
            MonthlyReport.client_id == client_id, MonthlyReport.month == month
        )
    )
    if row is None:
        try:
            with session.begin_nested():
                row = MonthlyReport(client_id=client_id, month=month)
                session.add(row)
        except IntegrityError:  # another process made it first: fine, claim below
            row = session.scalar(
                select(MonthlyReport).where(
                    MonthlyReport.client_id == client_id, MonthlyReport.month == month
                )
            )
    assert row is not None
    won = session.execute(
        update(MonthlyReport)
        .where(MonthlyReport.id == row.id, MonthlyReport.claimed_at.is_(None))
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(row)
    return row


def service_began(session: Session, client: Client) -> date:
    """The client's first day of service, in its time zone: the day it was added, or the
    first day its coverage is valid when every window starts later."""
    added = client.created_at.astimezone(ZoneInfo(client.timezone)).date()
    starts = session.execute(
        select(CoverageWindow.valid_from).where(CoverageWindow.client_id == client.id)
    ).scalars()
    firsts = list(starts)
    if firsts and None not in firsts:
        return max(added, min(d for d in firsts if d is not None))
    return added


def send_monthly_reports(session: Session, now: datetime) -> int:
    """Enqueue last month's report for every active client not yet sent; how many clients.

    A month that ended before the client's service began has nothing to report: no row,
    no e-mail (a practice added today gets no empty report for last month)."""
    sent = 0
    clients = session.scalars(select(Client).where(Client.active.is_(True)).order_by(Client.id))
    for client in list(clients):
        month = report_month(now, ZoneInfo(client.timezone))
        if service_began(session, client) > _month_end(month):
            continue
        row = claim(session, client.id, month, now)
        if row is None:
            continue
        contacts = _recipients(session, client)
        if contacts:
            built = build_report(session, client, month)
            for contact in contacts:
                enqueue(
                    session,
                    channel="email",
                    recipient=contact.email or "",
                    subject=built.subject,
                    body=built.text,
                    html_body=built.html,
                    kind="monthly-report",
                    client_id=client.id,
                    dedupe_key=f"monthly-report:{client.id}:{month.isoformat()}:{contact.id}",
                )
        row.recipients = len(contacts)
        sent += 1
    return sent
