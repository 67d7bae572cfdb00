"""Offers through the outbox: waves sent by the job, in each partner's language; when it
is taken everyone else who had the link is told, and later waves never go; expiry; and
gaps offered automatically days ahead."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.config import Settings
from desk.base.db import Database
from desk.jobs import JobContext
from desk.jobs.offers import auto, waves
from desk.models import Client, Mission, Offer, OfferState, Outbox, Shift
from desk.models.states import Channel
from desk.offers import answers
from desk.offers.making import offer_gap
from desk.offers.settings import set_days_ahead
from tests.helpers.offers import GAP, NOW, PARIS, links, network


def _sms(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Outbox.recipient, Outbox.body)
        .where(Outbox.kind == "offer", Outbox.channel == Channel.SMS)
        .order_by(Outbox.id)
    )
    return [(recipient, body) for recipient, body in rows]


def _job(settings: Settings, db: Database, at: datetime) -> JobContext:
    return JobContext(settings, db, "node-a", clock=lambda: at)


def test_the_job_sends_each_wave_when_due_and_expires_the_offer_when_the_mission_starts(
    settings: Settings, db: Database
) -> None:
    with db.session() as s:
        net = network(s)
        offer_id = offer_gap(s, net.client_id, GAP[0], GAP[1], NOW).id
    assert waves(_job(settings, db, NOW)) == {"expired": 0, "closed": 0, "sent": 2}
    assert waves(_job(settings, db, NOW + timedelta(minutes=10))) == {
        "expired": 0,
        "closed": 0,
        "sent": 0,
    }
    assert waves(_job(settings, db, NOW + timedelta(minutes=30))) == {
        "expired": 0,
        "closed": 0,
        "sent": 3,
    }
    with db.session() as s:
        texts = dict(_sms(s))
        assert texts["+33612000100"].startswith(
            "Mission proposée : Cabinet des Tilleuls, 09/03/2027, de 12:00 à 14:00."
        )
        assert texts["+33612000104"].startswith(  # she reads English
            "Mission offered: Cabinet des Tilleuls, 09/03/2027, 12:00 to 14:00."
        )
        assert len(links(s)) == 5 and len(set(links(s).values())) == 5
        mails = s.scalars(
            select(Outbox).where(Outbox.kind == "offer", Outbox.channel == Channel.EMAIL)
        ).all()
        assert len(mails) == 5
        assert all("45,00" in m.body for m in mails)  # her pay under her agreement
    assert waves(_job(settings, db, GAP[0])) == {"expired": 1, "closed": 0, "sent": 0}
    with db.session() as s:
        offer = s.get(Offer, offer_id)
        assert offer is not None and offer.state == OfferState.EXPIRED


def test_when_it_is_taken_the_others_who_had_the_link_are_told_and_the_next_wave_never_goes(
    settings: Settings, db: Database
) -> None:
    with db.session() as s:
        net = network(s)
        offer_gap(s, net.client_id, GAP[0], GAP[1], NOW)
    waves(_job(settings, db, NOW))
    with db.session() as s:
        token = links(s)["+33612000101"].rsplit("/", 1)[1]
        answers.accept(s, token, NOW + timedelta(minutes=5))
    assert waves(_job(settings, db, NOW + timedelta(hours=1))) == {
        "expired": 0,
        "closed": 0,
        "sent": 0,
    }
    with db.session() as s:
        told = [(to, body) for to, body in _sms(s) if "pourvue" in body or "taken" in body]
        assert told == [
            (
                "+33612000100",
                "La mission Cabinet des Tilleuls, 09/03/2027, de 12:00 à 14:00"
                " a été pourvue. Merci.",
            )
        ]
        confirmed = [body for to, body in _sms(s) if to == "+33612000101" and "Confirm" in body]
        assert len(confirmed) == 1
        mail = s.scalar(
            select(Outbox.body).where(
                Outbox.recipient == "p2@reseau.test", Outbox.subject.like("Mission confirmée%")
            )
        )
        assert mail is not None and "Dr Martin" in mail and "+33140000001" in mail
        assert not any(to in ("+33612000102", "+33612000103", "+33612000104") for to, _ in _sms(s))


def test_a_client_set_to_it_has_its_gaps_offered_days_ahead_once(
    settings: Settings, db: Database
) -> None:
    with db.session() as s:
        net = network(s)
        set_days_ahead(s, net.client_id, 2)
    assert auto(_job(settings, db, NOW)) == {"offered": 2, "sent": 4}
    assert auto(_job(settings, db, NOW + timedelta(minutes=5))) == {"offered": 0, "sent": 0}
    with db.session() as s:
        client = s.get(Client, net.client_id)
        assert client is not None
        starts = sorted(o.starts_at for o in s.scalars(select(Offer)))
        assert starts == [
            datetime(2027, 3, 8, 12, 0, tzinfo=PARIS),
            datetime(2027, 3, 9, 12, 0, tzinfo=PARIS),
        ]


def test_removing_her_mission_shift_from_the_rota_closes_the_offer_and_tells_her(
    settings: Settings, db: Database
) -> None:
    with db.session() as s:
        net = network(s)
        offer_gap(s, net.client_id, GAP[0], GAP[1], NOW)
    waves(_job(settings, db, NOW))
    with db.session() as s:
        taken = answers.accept(s, links(s)["+33612000100"].rsplit("/", 1)[1], NOW)
        offer_id, shift_id = taken.id, taken.shift_id
    with db.session() as s:  # the admin's "Remove" on the rota page
        s.delete(s.get(Shift, shift_id))
    counts = waves(_job(settings, db, NOW + timedelta(hours=1)))
    assert counts == {"expired": 0, "closed": 1, "sent": 0}
    with db.session() as s:
        offer = s.get(Offer, offer_id)
        assert offer is not None and offer.state == OfferState.WITHDRAWN
        assert s.scalars(select(Mission).where(Mission.source == f"offer:{offer_id}")).all() == []
        told = [body for to, body in _sms(s) if to == "+33612000100"]
        assert told[-1].startswith("La mission Cabinet des Tilleuls") and "retirée" in told[-1]
