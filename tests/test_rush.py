"""`desk simulate rush`: a lunch rush rehearsed on a scratch copy of the demo desk, in
virtual time, through the real webhooks; the virtual Twilio's log (the TwiML it
interpreted, the legs it rang, the REST requests it answered) read as data."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from click.testing import CliRunner, Result
from sqlalchemy import select

from desk.app import scratch_stage
from desk.base import events
from desk.base.config import Settings
from desk.base.db import Database
from desk.base.errors import DomainError
from desk.base.words import gettext_for, say
from desk.cli import main
from desk.models import Call, CallAttempt, Secretary
from desk.models.states import AttemptOutcome
from desk.rehearsal.run import Rehearsal, RushRequest, rehearse
from desk.rehearsal.scratch import DEFAULT_TALK, find_client, observed_talk
from tests.helpers.database import rows_per_table
from tests.helpers.routing import CLAIRE, SOPHIE, paris

LUNCH = paris(2027, 3, 30, 12, 0)  # a Tuesday
SMALL = RushRequest(
    client="cabinet-du-parc",
    calls=12,
    minutes=5,
    talk=150,
    patience=120,
    secretaries=("claire@permanence.test", "Sophie"),
    at=LUNCH,
    seed=3,
)


def run(db: Database, settings: Settings, request: RushRequest) -> Rehearsal:
    return rehearse(db, settings, request, scratch_stage, LUNCH)


def verbs(done: Rehearsal) -> list[str]:
    """Every verb of every TwiML the desk answered, in order."""
    return [
        verb.tag
        for step in done.player.sim.steps
        if step.kind == "post"
        for verb in ET.fromstring(step.twiml).iter()
    ]


def test_a_small_rush_end_to_end(db: Database, settings: Settings, demo: str) -> None:
    before = rows_per_table(db)
    done = run(db, settings, SMALL)
    tally = done.report.rehearsal
    assert tally.calls == 12
    assert tally.answered + tally.abandoned + tally.voicemails == 12
    assert tally.answered >= 2 and tally.callbacks == 0 and tally.other == 0
    assert done.report.team == ("Claire", "Sophie")
    # The queue was used: callers held, then offered by the dispatcher through the REST API.
    assert "Enqueue" in verbs(done)
    redirects = [r for r in done.rest_requests if r.method == "POST"]
    assert redirects
    assert {urlsplit(r.form["Url"]).path for r in redirects} == {"/webhooks/voice/queue-offer"}
    # Only Claire and Sophie were rung, and never while holding another call.
    legs = defaultdict(list)
    for line, leg in done.player.legs:
        legs[leg.phone].append((leg.rung_at, leg.ended_at, line.sid))
    assert set(legs) == {CLAIRE, SOPHIE}
    for phone, held in legs.items():
        held.sort()
        for (_, ended, _sid), (next_rung, _, _next) in itertools.pairwise(held):
            assert ended is not None and ended <= next_rung, phone
    assert done.player.overlaps == []
    # The live desk is untouched: not one row more or less anywhere.
    assert rows_per_table(db) == before


def test_without_the_queue_the_overflow_goes_to_voicemail(
    db: Database, settings: Settings, demo: str
) -> None:
    done = run(db, settings, RushRequest(**{**SMALL.__dict__, "queue": False}))
    tally = done.report.rehearsal
    assert "Enqueue" not in verbs(done) and "Record" in verbs(done)
    assert tally.abandoned == 0
    assert tally.voicemails == 12 - tally.answered > 0
    assert done.report.max_wait_seconds == 0
    assert done.report.prediction.abandoned == 0
    assert done.player.overlaps == []


def test_held_callers_pressing_2_ask_for_a_callback(
    db: Database, settings: Settings, demo: str
) -> None:
    done = run(db, settings, RushRequest(**{**SMALL.__dict__, "press_2": 1.0}))
    tally = done.report.rehearsal
    assert tally.callbacks > 0 and tally.abandoned == 0
    assert tally.answered + tally.callbacks + tally.voicemails == 12


def cli(tmp_path: Path, db: Database, *args: str) -> Result:
    env = {
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATABASE_URL": db.url,
        "DESK_SERVER_INSTANCE_PATH": str(tmp_path / "cli-instance"),
    }
    command = ["simulate", "rush", "--client", "cabinet-du-parc", "--at", "2027-03-30T12:00"]
    return CliRunner().invoke(main, [*command, *args], env=env)


def test_the_command_prints_the_rehearsal_beside_the_prediction_as_json(
    tmp_path: Path, db: Database, demo: str
) -> None:
    result = cli(tmp_path, db, "--calls", "10", "--minutes", "10", "--talk", "120", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["at"] == "2027-03-30T10:00:00+00:00"
    assert report["team"] == ["Claire", "Sophie", "Inès"]  # the rota at lunch, partner too
    assert report["calls_per_hour"] == 60
    assert report["max_wait_seconds"] == 180 and report["queue"] is True
    done, model = report["rehearsal"], report["prediction"]
    assert done["calls"] == 10
    assert sum(done[k] for k in ("answered", "abandoned", "voicemails", "callbacks")) == 10
    assert model["agents"] == 3
    assert 0 <= model["answered"] <= 10 and model["within_share"] > 0
    assert report["overlaps"] == 0


def test_the_command_names_an_unknown_secretary_and_changes_nothing(
    tmp_path: Path, db: Database, demo: str
) -> None:
    before = rows_per_table(db)
    result = cli(tmp_path, db, "--calls", "3", "--minutes", "5", "--secretaries", "claire,zoé")
    assert result.exit_code == 1
    unknown = DomainError("rush_secretary_unknown", "secretaries", name="zoé")
    assert say(unknown, gettext_for("fr")) in result.stderr
    assert result.stdout == ""
    assert rows_per_table(db) == before


def test_a_rehearsal_tells_the_live_pages_nothing(
    db: Database, settings: Settings, demo: str
) -> None:
    with events.HUB.subscribe() as heard:
        done = run(db, settings, RushRequest(**{**SMALL.__dict__, "calls": 4}))
    assert done.report.rehearsal.answered >= 2  # secretaries were claimed, calls accepted
    assert heard.empty()


def test_the_talk_time_defaults_to_the_clients_own_accepted_calls(
    db: Database, settings: Settings, demo: str
) -> None:
    with db.session() as s:
        client = find_client(s, "cabinet-du-parc")
        assert observed_talk(s, client.id, LUNCH) == DEFAULT_TALK  # no call yet
        claire = s.scalar(select(Secretary.id).where(Secretary.name == "Claire"))
        assert claire is not None
        for n, (seconds, simulated) in enumerate([(100, False), (140, False), (900, True)]):
            call = Call(
                call_sid=f"CA{n:032x}",
                client_id=client.id,
                to_number="+33199001234",
                caller="+33612345678",
                started_at=LUNCH - timedelta(days=2),
                simulated=simulated,
            )
            s.add(call)
            s.flush()
            s.add(
                CallAttempt(
                    call_id=call.id,
                    position=0,
                    secretary_id=claire,
                    number=CLAIRE,
                    started_at=call.started_at,
                    outcome=AttemptOutcome.ACCEPTED,
                    duration_seconds=seconds,
                )
            )
        s.flush()
        assert observed_talk(s, client.id, LUNCH) == 120  # the simulated call not counted
        s.rollback()
