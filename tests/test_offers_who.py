"""Who a gap is offered to, in which wave, when their SMS leaves; and that the winner is
rung first at the gap's time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.base.errors import Conflict, DomainError
from desk.models import Absence, Client, OfferRecipient, Outbox, Override, Shift
from desk.models.states import Channel, OutboxState
from desk.offers import answers
from desk.offers.making import offer_gap, policy
from desk.offers.sending import send_due
from desk.rota import responders
from desk.rota.notices import send_duty_notices
from tests.helpers.offers import BASE_URL, GAP, NOW, PARIS, links, network


def _recipients(session: Session, offer_id: int) -> dict[int, int]:
    rows = session.execute(
        select(OfferRecipient.secretary_id, OfferRecipient.wave).where(
            OfferRecipient.offer_id == offer_id
        )
    )
    return {sid: wave for sid, wave in rows}


def test_the_best_overflow_rank_is_offered_first_and_the_others_after_the_delay(
    session: Session,
) -> None:
    net = network(session)
    offer = offer_gap(session, net.client_id, GAP[0], GAP[1], NOW)
    p = net.partners
    assert _recipients(session, offer.id) == {p[0]: 1, p[1]: 1, p[2]: 2, p[3]: 2, p[4]: 2}
    assert send_due(session, NOW, BASE_URL) == 2
    assert send_due(session, NOW + timedelta(minutes=29), BASE_URL) == 0
    assert send_due(session, NOW + timedelta(minutes=30), BASE_URL) == 3
    # Never twice to the same person, nor a second offer for the same gap.
    assert send_due(session, NOW + timedelta(hours=1), BASE_URL) == 0
    assert len(links(session)) == 5
    with pytest.raises(Conflict):
        offer_gap(session, net.client_id, GAP[0], GAP[1], NOW)


def test_a_partner_absent_on_duty_elsewhere_or_without_agreement_is_not_offered_it(
    session: Session,
) -> None:
    net = network(session)
    p = net.partners
    session.add(Absence(secretary_id=p[0], starts_at=GAP[0] - timedelta(hours=3), ends_at=GAP[1]))
    other = Client(slug="autre-cabinet", name="Autre cabinet")
    session.add(other)
    session.flush()
    # p[1] holds Tuesday lunch for another practice; p[2] replaces someone then.
    session.add(
        Shift(
            secretary_id=p[1],
            client_id=other.id,
            weekdays="1",
            start_local=time(13),
            end_local=time(15),
        )
    )
    session.add(
        Override(
            original_secretary_id=net.own,
            replacement_secretary_id=p[2],
            starts_at=GAP[0] + timedelta(minutes=90),
            ends_at=GAP[1] + timedelta(hours=2),
        )
    )
    session.flush()
    offer = offer_gap(session, net.client_id, GAP[0], GAP[1], NOW)
    assert set(_recipients(session, offer.id)) == {p[3], p[4]}
    # Free at another time (Wednesday), they all are.
    wednesday = (GAP[0] + timedelta(days=1), GAP[1] + timedelta(days=1))
    later = offer_gap(session, net.client_id, *wednesday, NOW)
    assert set(_recipients(session, later.id)) == set(p)


def test_the_desks_own_secretaries_come_last_only_when_the_admin_allows_it(
    session: Session,
) -> None:
    net = network(session, partners=0)
    with pytest.raises(DomainError) as nobody:
        offer_gap(session, net.client_id, GAP[0], GAP[1], NOW)
    assert nobody.value.code == "offer_nobody"
    policy(session).include_desk = True
    offer = offer_gap(session, net.client_id, GAP[0], GAP[1], NOW)
    assert _recipients(session, offer.id) == {net.own: 1}


def test_an_offer_made_at_night_is_texted_in_the_morning_and_e_mailed_at_once(
    session: Session,
) -> None:
    net = network(session)
    night = datetime(2027, 3, 8, 22, 30, tzinfo=PARIS)
    offer_gap(session, net.client_id, GAP[0], GAP[1], night)
    send_due(session, night, BASE_URL)
    rows = session.scalars(select(Outbox).where(Outbox.kind == "offer")).all()
    sms = [r for r in rows if r.channel == Channel.SMS]
    mails = [r for r in rows if r.channel == Channel.EMAIL]
    assert len(sms) == len(mails) == 2
    morning = datetime(2027, 3, 9, 8, 0, tzinfo=PARIS)
    assert {r.next_attempt_at for r in sms} == {morning}
    assert all(r.next_attempt_at <= night for r in mails)
    # Taken overnight from the e-mail: the held links never go, the "taken" notice waits too.
    token = links(session)["+33612000101"].rsplit("/", 1)[1]
    answers.accept(session, token, night + timedelta(minutes=20))
    session.expire_all()
    assert {r.state for r in sms} == {OutboxState.SKIPPED}
    taken = session.scalars(
        select(Outbox).where(Outbox.recipient == "+33612000100", Outbox.state == "pending")
    ).all()
    assert [(r.channel, r.next_attempt_at) for r in taken] == [(Channel.SMS, morning)]
    assert "pourvue" in taken[0].body


def test_the_winner_is_rung_first_at_the_gaps_time_and_only_then(session: Session) -> None:
    net = network(session)
    client = session.get(Client, net.client_id)
    assert client is not None
    offer_gap(session, net.client_id, GAP[0], GAP[1], NOW)
    send_due(session, NOW, BASE_URL)
    token = links(session)["+33612000101"].rsplit("/", 1)[1]
    answers.accept(session, token, NOW)
    at = GAP[0] + timedelta(minutes=45)
    first = responders(session, client, at)[0]
    assert [r.secretary_id for r in first] == [net.partners[1]]
    assert not first[0].partner  # on duty, not rung as overflow
    before = responders(session, client, GAP[0] - timedelta(minutes=1))
    assert all(r.secretary_id != net.partners[1] or r.partner for step in before for r in step)
    shift = session.scalars(select(Shift).where(Shift.client_id == net.client_id)).one()
    assert (shift.valid_from, shift.start_local, shift.end_local) == (
        date(2027, 3, 9),
        time(12),
        time(14),
    )


def test_the_winner_gets_her_duty_start_notice_for_the_mission(session: Session) -> None:
    net = network(session)
    offer_gap(session, net.client_id, GAP[0], GAP[1], NOW)
    send_due(session, NOW, BASE_URL)
    answers.accept(session, links(session)["+33612000100"].rsplit("/", 1)[1], NOW)
    assert send_duty_notices(session, GAP[0] + timedelta(minutes=1)) == 1
    notice = session.scalar(select(Outbox).where(Outbox.kind == "duty-notice"))
    assert notice is not None and notice.recipient == "+33612000100"
