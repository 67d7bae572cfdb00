"""Price plans, contract versions and partner agreements in the database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from desk.base.errors import Conflict, DomainError
from desk.billing.plans import contracts_of, create_plan, set_agreement, set_contract, shares_for
from desk.billing.pricing import in_force
from desk.models import Client, Secretary
from desk.models.billing import PartnerMode


def _client(session: Session) -> Client:
    client = Client(slug="parc", name="Cabinet du Parc")
    session.add(client)
    session.flush()
    return client


def test_a_contract_copies_its_plan_and_a_new_version_never_rewrites_the_old(
    session: Session,
) -> None:
    client = _client(session)
    plan = create_plan(session, "Essentiel", monthly_fee_cents=8900, per_call_cents=90)
    first = set_contract(session, client.id, date(2026, 1, 1), plan=plan)
    second = set_contract(session, client.id, date(2026, 11, 16), plan=plan, per_call_cents=120)
    assert (first.monthly_fee_cents, first.per_call_cents) == (8900, 90)
    assert (second.monthly_fee_cents, second.per_call_cents) == (8900, 120)
    versions = [c.valid_from for c in contracts_of(session, client.id)]
    assert versions == [date(2026, 1, 1), date(2026, 11, 16)]
    with pytest.raises(Conflict):
        set_contract(session, client.id, date(2026, 11, 16), per_call_cents=1)
    with pytest.raises(DomainError) as error:
        set_contract(session, client.id, date(2026, 12, 1), per_call_cents=-5)
    assert error.value.field == "per_call_cents"


def test_a_plan_with_the_same_name_is_refused(session: Session) -> None:
    create_plan(session, "Essentiel")
    with pytest.raises(Conflict):
        create_plan(session, "Essentiel")


def test_only_partners_have_agreements_and_a_clients_own_wins_from_its_date(
    session: Session,
) -> None:
    client = _client(session)
    other = Client(slug="autre", name="Autre")
    claire = Secretary(name="Claire", phone="+33612000001")
    ines = Secretary(name="Inès", phone="+33612000003", is_partner=True)
    session.add_all([other, claire, ines])
    session.flush()
    with pytest.raises(DomainError):
        set_agreement(session, claire.id, date(2026, 1, 1), percent=50)
    set_agreement(session, ines.id, date(2026, 1, 1), percent=60)
    set_agreement(
        session,
        ines.id,
        date(2026, 6, 1),
        mode=PartnerMode.PER_CALL,
        fixed_cents=150,
        client_id=client.id,
    )
    mine = shares_for(session, client.id)[ines.id]
    assert in_force(mine, date(2026, 3, 1)).percent == 60  # type: ignore[union-attr]
    assert in_force(mine, date(2026, 7, 1)).fixed_cents == 150  # type: ignore[union-attr]
    theirs = shares_for(session, other.id)[ines.id]
    assert in_force(theirs, date(2026, 7, 1)).percent == 60  # type: ignore[union-attr]
