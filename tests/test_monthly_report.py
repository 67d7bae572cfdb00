"""The monthly activity report: sent once per client and month, in French, vs last month."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk.base.db import Database
from desk.models import Contact, CoverageWindow, MonthlyReport, Outbox
from desk.reports.monthly import claim, send_monthly_reports
from tests.helpers.reports import Ring, make_call, make_people, paris, week_history

APRIL_1 = datetime(2027, 4, 1, 5, 0, tzinfo=UTC)  # 07:00 in Paris, the 1st of April


def _with_contacts(session: Session) -> int:
    client, claire, *_ = week_history(session)  # March: 10 offered (the week + 2), 5 answered
    # February: one answered call, one missed.
    make_call(
        session,
        client,
        paris(2027, 2, 10, 12),
        "answered",
        rings=[Ring(claire, 0, 1, 9, 60, "accepted")],
    )
    make_call(session, client, paris(2027, 2, 11, 12), "missed")
    session.add_all(
        [
            Contact(client_id=client.id, name="Accueil", email="accueil@parc.test"),
            Contact(client_id=client.id, name="Dr Martin", email="martin@parc.test"),
            Contact(
                client_id=client.id, name="SMS only", phone="+33612000009", receives_email=False
            ),
        ]
    )
    session.flush()
    return client.id


def test_the_report_goes_once_to_each_contact_in_french(session: Session) -> None:
    client_id = _with_contacts(session)
    quiet, *_ = make_people(session)  # another client, no contact: claimed, nothing sent
    assert send_monthly_reports(session, APRIL_1) == 2
    mails = session.scalars(select(Outbox).where(Outbox.kind == "monthly-report")).all()
    assert sorted(m.recipient for m in mails) == ["accueil@parc.test", "martin@parc.test"]
    mail = mails[0]
    assert mail.client_id == client_id and mail.channel == "email"
    assert mail.subject == "Rapport d'activité, mars 2027, Cabinet du Parc"
    assert "10 appels pendant vos horaires, 5 répondus" in (mail.html_body or "")
    # March against February: offered 10 vs 2, answered 5 vs 1, both 50 %.
    assert "Appels présentés: 10 (2, +8)" in mail.body
    assert "Décroché: 5 (1, +4)" in mail.body
    assert "Taux de réponse: 50 % (50 %, =)" in mail.body
    assert "Heures les plus chargées : 12h, 23h, 0h." in (mail.html_body or "")
    # The second run of the hour, the next day: nothing more.
    assert send_monthly_reports(session, APRIL_1) == 0
    assert send_monthly_reports(session, datetime(2027, 4, 2, 9, tzinfo=UTC)) == 0
    count = select(func.count()).select_from(Outbox).where(Outbox.kind == "monthly-report")
    assert session.scalar(count) == 2
    rows = session.scalars(select(MonthlyReport).order_by(MonthlyReport.client_id)).all()
    assert [(r.month.isoformat(), r.recipients) for r in rows] == [
        ("2027-03-01", 2),
        ("2027-03-01", 0),
    ]
    assert quiet.id in [r.client_id for r in rows]
    # May: April's report goes out.
    assert send_monthly_reports(session, datetime(2027, 5, 1, 6, tzinfo=UTC)) == 2


def test_two_schedulers_racing_claim_it_once(db: Database, session: Session) -> None:
    client_id = _with_contacts(session)
    session.commit()
    with db.session() as first, db.session() as second:
        one = claim(first, client_id, datetime(2027, 3, 1).date(), APRIL_1)
        first.commit()
        two = claim(second, client_id, datetime(2027, 3, 1).date(), APRIL_1)
    assert one is not None and two is None


def test_the_job_is_listed() -> None:
    from desk.jobs import JOBS

    assert any(j.ref == "desk.jobs.reports:monthly" for j in JOBS)


def test_no_report_for_a_month_that_ended_before_the_practice_was_added(
    session: Session,
) -> None:
    # Added on 6 December: the job's run minutes later finds November's report due.
    added = datetime(2026, 12, 6, 16, 40, tzinfo=UTC)
    client, *_ = make_people(session)
    client.created_at = added
    session.add(Contact(client_id=client.id, name="Accueil", email="accueil@parc.test"))
    session.flush()
    assert send_monthly_reports(session, datetime(2026, 12, 6, 16, 45, tzinfo=UTC)) == 0
    sent = select(func.count()).select_from(Outbox).where(Outbox.kind == "monthly-report")
    assert session.scalar(sent) == 0
    # December, its first month of service, is reported on the 1st of January.
    assert send_monthly_reports(session, datetime(2027, 1, 1, 6, tzinfo=UTC)) == 1
    assert session.scalar(sent) == 1


def test_no_report_for_a_month_before_its_coverage_begins(session: Session) -> None:
    client, *_ = make_people(session)
    client.created_at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    session.add_all(
        [
            Contact(client_id=client.id, name="Accueil", email="accueil@parc.test"),
            CoverageWindow(
                client_id=client.id,
                weekdays="01234",
                start_local=time(12),
                end_local=time(14),
                valid_from=date(2027, 1, 4),
            ),
        ]
    )
    session.flush()
    assert send_monthly_reports(session, datetime(2027, 1, 1, 6, tzinfo=UTC)) == 0
    assert send_monthly_reports(session, datetime(2027, 2, 1, 6, tzinfo=UTC)) == 1
