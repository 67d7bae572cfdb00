"""`desk offer gap|list|withdraw|policy|auto`: offers to the network from a script."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from desk.base.db import Database
from desk.billing.payouts import payouts
from desk.cli import main
from desk.models import Mission, Outbox, Secretary, Shift
from desk.models.states import Channel
from desk.offers import answers
from tests.helpers.offers import NOW, links, network


def run(db: Database, tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "instance"),
        "DESK_SERVER_PUBLIC_BASE_URL": "https://desk.example.test",
    }
    result = CliRunner().invoke(main, ["offer", *args], env=env)
    return result.exit_code, result.output


def test_a_gap_offered_listed_taken_then_withdrawn_from_the_command_line(
    db: Database, tmp_path: Path
) -> None:
    with db.session() as s:
        net = network(s)
    code, out = run(
        db, tmp_path, "gap", "--client", net.slug,
        "--from", "2027-03-09T12:00", "--to", "2027-03-09T14:00",
    )  # fmt: skip
    assert code == 0, out
    offer_id = int(out.strip())
    code, out = run(db, tmp_path, "list", "--json")
    listed = json.loads(out)["offers"]
    assert [(o["id"], o["client"], o["state"], o["taken_by"]) for o in listed] == [
        (offer_id, net.slug, "open", None)
    ]
    # 12:00 in Paris in March is 11:00 UTC.
    assert (listed[0]["starts_at"], listed[0]["ends_at"]) == (
        "2027-03-09T11:00:00+00:00",
        "2027-03-09T13:00:00+00:00",
    )
    sent = [o for o in listed[0]["offered_to"] if o["sent_at"]]
    assert [(o["name"], o["wave"]) for o in sent] == [("Partenaire 1", 1), ("Partenaire 2", 1)]
    assert len(listed[0]["offered_to"]) == 5

    with db.session() as s:
        token = links(s)["+33612000100"].rsplit("/", 1)[1]
        answers.accept(s, token, NOW)
    code, out = run(db, tmp_path, "list", "--json")
    data = json.loads(out)
    assert (data["offers"][0]["state"], data["offers"][0]["taken_by"]) == ("taken", "Partenaire 1")
    mine = [a for a in data["activity"] if a["name"] == "Partenaire 1"]
    assert [(a["month"], a["received"], a["accepted"], a["declined"]) for a in mine] == [
        ("2027-03", 1, 1, 0)
    ]
    code, out = run(db, tmp_path, "list")
    assert f"{offer_id}  {net.slug}" in out and "taken by Partenaire 1" in out
    # `desk rota show` has her on duty in Tuesday's lunch, which is no gap any more.
    result = CliRunner().invoke(
        main,
        ["rota", "show", "--client", net.slug, "--week", "2027-W10"],
        env={"DESK_CONFIG": str(tmp_path / "none.toml"), "DESK_DATABASE_URL": db.url},
    )
    tuesday = next(line for line in result.output.splitlines() if line.startswith("Tue 09/03"))
    assert "12:00–14:00  1 Partenaire 1; overflow: Partenaire 2," in tuesday

    code, out = run(db, tmp_path, "withdraw", str(offer_id))
    assert (code, out.strip()) == (0, f"{offer_id} withdrawn")
    with db.session() as s:
        assert s.scalars(select(Shift).where(Shift.client_id == net.client_id)).all() == []
        assert s.scalars(select(Mission).where(Mission.source.like("offer:%"))).all() == []
        assert payouts(s, "2027-03") == []
        winner = s.scalar(select(Secretary).where(Secretary.name == "Partenaire 1"))
        assert winner is not None
        told = s.scalars(
            select(Outbox.body).where(
                Outbox.recipient == winner.phone, Outbox.channel == Channel.SMS
            )
        ).all()
        assert any("retirée" in body for body in told)
    code, out = run(db, tmp_path, "withdraw", str(offer_id))
    assert code != 0 and "close" in out


def test_refused_offers_say_why_and_settings_are_checked(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        net = network(s)
    code, out = run(
        db, tmp_path, "gap", "--client", net.slug,
        "--from", "2027-03-09T14:00", "--to", "2027-03-09T12:00",
    )  # fmt: skip
    assert code != 0 and "24 heures" in out
    code, out = run(db, tmp_path, "gap", "--client", "nobody", "--from", "2027-03-09T12:00",
                    "--to", "2027-03-09T14:00")  # fmt: skip
    assert code != 0 and "nobody" in out
    code, out = run(db, tmp_path, "policy", "--wave-delay", "5000")
    assert code != 0 and "1440" in out
    code, out = run(db, tmp_path, "policy", "--wave-delay", "15", "--desk")
    assert (code, out.strip()) == (0, "wave delay 15 min, desk's own: True")
    code, out = run(db, tmp_path, "auto", "--client", net.slug, "--days", "7")
    assert code == 0, out
