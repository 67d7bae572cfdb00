"""`desk plan add|list`, `desk contract set`, `desk agreement set`: amounts as people type
them, outputs and errors in the desk's language, and what they set is what bills."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from desk.base.db import Database
from desk.billing.invoices import issue_statements
from desk.demo import DEMO_SLUG as SLUG
from desk.models import Contract, PartnerAgreement, PricePlan, Quote, Secretary
from desk.models.billing import PartnerMode
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.money import desk

PLAN = ("plan", "add", "--name", "Midi", "--monthly-fee", "1 234,50", "--included-calls", "30",
        "--per-call", "1,20", "--per-minute", "0.25", "--out-of-hours-percent", "25",
        "--vat-rate", "5,5")  # fmt: skip


def test_plan_add_reads_french_and_english_amounts(demo: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(db, tmp_path, *PLAN)
    assert code == 0, out
    assert "Midi" in out and "1\u202f234,50 €" in out
    code, out = desk(db, tmp_path, "plan", "list", "--json")
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["Midi"] == {
        "name": "Midi", "monthly_fee_cents": 123450, "included_calls": 30,
        "per_call_cents": 120, "per_minute_cents": 25, "out_of_hours_percent": 25,
        "vat_rate_bp": 550, "payment_days": 30,
    }  # fmt: skip
    code, out = desk(
        db, tmp_path, "plan", "add", "--name", "Soir", "--monthly-fee", "178,80",
        "--included-calls", "0", "--per-call", "89.00",
    )  # fmt: skip
    assert code == 0, out
    with db.session() as session:
        soir = session.scalar(select(PricePlan).where(PricePlan.name == "Soir"))
        assert soir is not None
        assert (soir.monthly_fee_cents, soir.per_call_cents, soir.vat_rate_bp) == (
            17880,
            8900,
            2000,
        )
    code, out = desk(db, tmp_path, "plan", "list")
    assert code == 0 and "Soir : 178,80 € par mois" in out


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--monthly-fee", "inf", "n'est pas un montant"),
        ("--monthly-fee", "nan", "n'est pas un montant"),
        ("--monthly-fee", "1e9", "n'est pas un montant"),
        ("--monthly-fee", "-5", "n'est pas un montant"),
        ("--monthly-fee", "89,005", "n'est pas un montant"),
        ("--monthly-fee", "99999999", "trop élevé"),
        ("--per-call", "deux", "n'est pas un montant"),
        ("--included-calls", "2,5", "nombre entier"),
        ("--vat-rate", "120", "pourcentage"),
    ],
)
def test_plan_add_refuses_with_words_naming_the_option(
    demo: str, db: Database, tmp_path: Path, option: str, value: str, words: str
) -> None:
    args = {"--monthly-fee": "89,00", "--included-calls": "20", "--per-call": "1,20"}
    args[option] = value
    flat = [item for pair in args.items() for item in pair]
    code, out = desk(db, tmp_path, "plan", "add", "--name", "Faux", *flat)
    assert code == 1, out
    assert option in out and words in out
    with db.session() as session:
        assert session.scalar(select(PricePlan.id).where(PricePlan.name == "Faux")) is None


def test_errors_in_english_on_an_english_desk(demo: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(
        db, tmp_path, "plan", "add", "--name", "X", "--monthly-fee", "inf",
        "--included-calls", "1", "--per-call", "1", locale="en",
    )  # fmt: skip
    assert code == 1 and "inf is not an amount" in out


def test_contract_set_from_a_date_mid_month(demo: str, db: Database, tmp_path: Path) -> None:
    assert desk(db, tmp_path, *PLAN)[0] == 0
    code, out = desk(
        db, tmp_path, "contract", "set", "--client", SLUG, "--plan", "Midi",
        "--from", "2026-11-16",
    )  # fmt: skip
    assert code == 0, out
    assert "16/11/2026" in out
    with db.session() as session:
        latest = session.scalars(
            select(Contract).where(Contract.client_id.isnot(None)).order_by(Contract.valid_from)
        ).all()[-1]
        assert (latest.valid_from, latest.monthly_fee_cents) == (date(2026, 11, 16), 123450)
    code, out = desk(
        db, tmp_path, "contract", "set", "--client", "nobody", "--plan", "Midi",
        "--from", "2026-11-16",
    )  # fmt: skip
    assert code == 1 and "--client" in out and "nobody" in out
    code, out = desk(
        db, tmp_path, "contract", "set", "--client", SLUG, "--plan", "Nulle",
        "--from", "2026-11-31",
    )  # fmt: skip
    assert code == 1 and "--from" in out and "AAAA-MM-JJ" in out
    code, out = desk(
        db, tmp_path, "contract", "set", "--client", SLUG, "--plan", "Nulle",
        "--from", "2026-12-01",
    )  # fmt: skip
    assert code == 1 and "Nulle" in out


def test_agreement_set_percent_or_per_mission(demo: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(
        db, tmp_path, "agreement", "set", "--secretary", "INES@permanence.test",
        "--per-mission", "1,50", "--client", SLUG, "--from", "2026-12-01",
    )  # fmt: skip
    assert code == 0, out
    assert "1,50 €" in out and "01/12/2026" in out
    code, out = desk(
        db, tmp_path, "agreement", "set", "--secretary", "ines@permanence.test",
        "--percent", "55", "--from", "2026-12-01",
    )  # fmt: skip
    assert code == 0 and "55 %" in out
    # Typed again for the same day, it replaces that day's agreement.
    code, out = desk(
        db, tmp_path, "agreement", "set", "--secretary", "ines@permanence.test",
        "--percent", "50", "--from", "2026-12-01",
    )  # fmt: skip
    assert code == 0, out
    with db.session() as session:
        ines = session.scalar(select(Secretary).where(Secretary.email == "ines@permanence.test"))
        assert ines is not None
        rows = session.scalars(
            select(PartnerAgreement).where(
                PartnerAgreement.secretary_id == ines.id,
                PartnerAgreement.valid_from == date(2026, 12, 1),
            )
        ).all()
        got = sorted((r.client_id is None, r.mode, r.percent, r.fixed_cents) for r in rows)
        assert got == [(False, PartnerMode.PER_CALL, 0, 150), (True, PartnerMode.PERCENT, 50, 0)]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--secretary", "claire@permanence.test", "--percent", "50"), "pas partenaire"),
        (("--secretary", "ines@permanence.test"), "l'un ou l'autre"),
        (("--secretary", "ines@permanence.test", "--percent", "5", "--per-mission", "1"),
         "l'un ou l'autre"),
        (("--secretary", "ines@permanence.test", "--percent", "150"), "pourcentage"),
        (("--secretary", "ines@permanence.test", "--per-mission", "nan"), "montant"),
        (("--secretary", "personne@permanence.test", "--percent", "5"), "personne@"),
    ],
)  # fmt: skip
def test_agreement_set_refuses_with_words(
    demo: str, db: Database, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    code, out = desk(db, tmp_path, "agreement", "set", *args)
    assert code == 1, out
    assert words in out


def test_quote_for_an_existing_client(demo: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(
        db, tmp_path, "quote", "create", "--client", SLUG, "--plan", "Permanence essentielle",
        "--calls-per-week", "40",
    )  # fmt: skip
    assert code == 0, out
    with db.session() as session:
        quote = session.scalars(select(Quote)).one()
        # Its billing e-mail and legal name, its own client: accepting sets its contract.
        assert quote.client_id is not None
        assert (quote.prospect_email, quote.prospect_name) == (
            "accueil@cabinet-du-parc.test", "SELARL Cabinet dentaire du Parc"
        )  # fmt: skip
    code, out = desk(
        db, tmp_path, "quote", "create", "--client", "nobody", "--plan", "Permanence essentielle",
        "--calls-per-week", "40",
    )  # fmt: skip
    assert code == 1 and "nobody" in out


def test_a_contract_never_rewrites_an_invoiced_month(
    demo: str, db: Database, tmp_path: Path
) -> None:
    with db.session() as session:
        october_of_calls(session)
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
    assert desk(db, tmp_path, *PLAN)[0] == 0
    code, out = desk(
        db, tmp_path, "contract", "set", "--client", SLUG, "--plan", "Midi", "--from", "2026-10-15"
    )
    assert code == 1 and "--from" in out and issued.number in out
    code, out = desk(
        db, tmp_path, "contract", "set", "--client", SLUG, "--plan", "Midi", "--from", "2026-11-01"
    )
    assert code == 0, out
