"""The money commands, end to end on the demo desk (names and --json are a public contract)."""

from __future__ import annotations

import json
from pathlib import Path

import facturx
from click.testing import CliRunner

from desk.base.db import Database
from desk.cli import main
from desk.models import Client
from tests.helpers.billing import october_of_calls


def desk(db: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def test_issue_list_export_pay_and_payouts(demo: str, db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        october_of_calls(session)
    code, out = desk(db, tmp_path, "statements", "issue", "--month", "2026-10")
    assert code == 0, out
    number = out.split()[0]
    assert number.startswith("F") and "119,09" in out and out.split()[-1] == "émise"
    code, out = desk(db, tmp_path, "statements", "issue", "--month", "2026-10")
    assert code == 0 and "déjà émise" in out
    assert out.splitlines()[-1] == "Rien de nouveau à émettre."
    assert "issued" not in out and "nothing" not in out
    code, out = desk(db, tmp_path, "statements", "list", "--month", "2026-10", "--json")
    [row] = json.loads(out)
    assert (row["number"], row["client"], row["total_ttc_cents"], row["state"]) == (
        number, "cabinet-du-parc", 11909, "issued"
    )  # fmt: skip
    assert [line["total_cents"] for line in row["lines"]] == [8900, 0, 600, 375, 49]
    pdf = tmp_path / "invoice.pdf"
    code, out = desk(db, tmp_path, "invoice", "export", number, "--output", str(pdf))
    assert code == 0 and facturx.get_xml_from_pdf(pdf.read_bytes())[0] == "factur-x.xml"
    code, out = desk(
        db, tmp_path, "invoice", "pay", number, "--amount", "19.09", "--date", "2026-11-20"
    )
    assert code == 0 and "19,09 € payés" in out.replace("\xa0", " ").replace("\u202f", " ")
    code, out = desk(db, tmp_path, "payouts", "--month", "2026-10", "--json")
    [ines] = json.loads(out)
    assert (ines["name"], ines["missions"], ines["earned_cents"]) == ("Inès", 10, 1199)
    code, out = desk(db, tmp_path, "billing", "export", "invoices", "--month", "2026-10")
    assert out.splitlines()[1].startswith(f"{number};invoice;cabinet-du-parc;")
    assert ";99.24;19.85;119.09;issued;19.09" in out
    code, out = desk(db, tmp_path, "billing", "export", "payments", "--month", "2026-11")
    assert out.splitlines()[0] == "date;facture;montant;moyen;reference"
    assert f";{number};19.09;virement;" in out.splitlines()[1]
    code, out = desk(db, tmp_path, "billing", "export", "payouts", "--month", "2026-10")
    assert out.splitlines()[1] == "Inès;2026-10;10;30;11.99"


def test_bad_input_is_a_clear_error(demo: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(db, tmp_path, "statements", "issue", "--month", "2026-13")
    assert code == 2 and "AAAA-MM" in out
    code, out = desk(db, tmp_path, "invoice", "export", "F1999-0001", "--output", "x.pdf")
    assert code == 1 and "Aucune facture ne porte le numéro F1999-0001" in out


def test_quote_create_prints_the_link(demo: str, db: Database, tmp_path: Path) -> None:
    code, out = desk(
        db, tmp_path, "quote", "create", "--name", "Kiné Lumière", "--email", "k@lumiere.test",
        "--plan", "Permanence essentielle", "--calls-per-week", "40",
        "--window", "lun-ven 12:00-14:00", "--output", str(tmp_path / "devis.pdf"),
    )  # fmt: skip
    assert code == 0, out
    assert out.startswith("D") and "/quote/" in out
    first, link = out.splitlines()
    assert first.endswith("envoyé à k@lumiere.test") and "sent to" not in out
    assert link.startswith("Lien d’acceptation : ") and link.split()[-1].count("/quote/") == 1
    assert (tmp_path / "devis.pdf").read_bytes().startswith(b"%PDF")


def test_issuing_nothing_on_the_command_line_says_why(db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        session.add(Client(slug="kine", name="Kiné Lumière"))  # no contract, no quote
    code, out = desk(db, tmp_path, "statements", "issue", "--month", "2026-10")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "Rien de nouveau à émettre."
    assert lines[1].startswith("Aucun contrat pour Kiné Lumière")
