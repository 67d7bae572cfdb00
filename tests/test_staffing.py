"""Erlang C against published values, its properties, and `desk staffing`."""

from __future__ import annotations

import itertools
import json

import pytest
from click.testing import CliRunner

from desk.cli import main
from desk.reports.erlang import erlang_b, erlang_c, service_level, staffing
from desk.reports.erlang_a import service_level_a, staffing_a


def test_ten_erlangs_80_percent_within_20_seconds() -> None:
    # The worked example of the Erlang C literature (e.g. Call Centre Helper's calculator):
    # 200 calls an hour (100 per half hour), 180 s handling = 10 Erlangs. 13 agents answer
    # 79.6 % within 20 s, 14 agents 88.8 % with a 17.4 % chance to wait, 71.4 % occupied.
    assert service_level(13, 10, 180, 20) == pytest.approx(0.7956, abs=1e-4)
    found = staffing(200, 180, 0.8, 20)
    assert found.agents == 14
    assert found.service_level == pytest.approx(0.8884, abs=1e-4)
    assert found.wait_probability == pytest.approx(0.1741, abs=1e-4)
    assert found.occupancy == pytest.approx(0.7143, abs=1e-4)


def test_published_erlang_b_and_c_values() -> None:
    # Erlang B table: 5 lines, 2 Erlangs -> 3.67 % blocked; Erlang C, 2 agents, 1 Erlang: 1/3.
    assert erlang_b(5, 2) == pytest.approx(0.0367, abs=1e-4)
    assert erlang_c(2, 1) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: the chance to wait is the load


@pytest.mark.parametrize("erlangs", [0.2, 1.0, 2.5, 7.3, 10.0, 42.0])
def test_more_agents_never_lower_the_service_level(erlangs: float) -> None:
    levels = [service_level(n, erlangs, 180, 20) for n in range(1, 80)]
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(levels))
    waits = [erlang_c(n, erlangs) for n in range(1, 80)]
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(waits))
    assert levels[-1] == pytest.approx(1.0)


def test_harder_targets_never_need_fewer_agents() -> None:
    counts = [staffing(120, 240, t, 20).agents for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)]
    assert counts == sorted(counts)
    assert staffing(120, 240, 0.8, 60).agents <= staffing(120, 240, 0.8, 10).agents


def test_no_calls_need_no_agent() -> None:
    found = staffing(0, 180)
    assert (found.agents, found.service_level, found.occupancy) == (0, 1.0, 0.0)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["staffing", *args], env={"DESK_CONFIG": "/nonexistent.toml"})
    return result.exit_code, result.output


def test_the_staffing_command_answers_json() -> None:
    code, output = run("--calls-per-hour", "200", "--aht", "180", "--json")
    assert code == 0, output
    answer = json.loads(output)
    assert answer["agents"] == 14
    assert answer["service_level"] == pytest.approx(0.8884, abs=1e-4)
    assert answer["occupancy"] == pytest.approx(0.7143, abs=1e-4)
    code, output = run("--calls-per-hour", "200", "--aht", "180", "--target", "0.9", "--json")
    assert json.loads(output)["agents"] == 15


def test_the_staffing_command_with_a_maximum_wait_uses_the_queue_model() -> None:
    """The advice pages' model from the command line: a maximum wait sends callers to
    voicemail, so fewer secretaries reach the same share answered than with no limit;
    a maximum of 0 is no queue at all (all busy: voicemail at once)."""
    asked = ("--calls-per-hour", "200", "--aht", "180", "--json")
    endless = json.loads(run(*asked)[1])
    queue = json.loads(run(*asked, "--patience", "120", "--max-wait", "180")[1])
    none = json.loads(run(*asked, "--max-wait", "0")[1])
    assert queue["model"] == "queue" and none["model"] == "no-queue"
    assert queue["agents"] < endless["agents"]
    assert queue["service_level"] >= 0.8 and none["service_level"] >= 0.8
    assert none["abandoned"] == 0 and none["wait_p90_seconds"] == 0
    for shares in (queue, none):
        total = shares["answered"] + shares["abandoned"] + shares["timed_out"]
        assert total == pytest.approx(1, abs=1e-3)
    code, output = run(*asked, "--max-wait", "-5")
    assert code != 0 and "--max-wait" in output


def test_the_staffing_command_refuses_bad_input_clearly() -> None:
    code, output = run("--calls-per-hour", "20", "--aht", "0")
    assert code != 0
    assert "handling time must be more than zero seconds" in output
    code, output = run("--calls-per-hour", "20", "--aht", "180", "--target", "80")
    assert code != 0
    assert "between 0 and 1" in output


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    for agents in (12, 13, 14, 15):
        assert service_level_a(agents, 200, 180, 1e7, 20) == pytest.approx(
            service_level(agents, 10, 180, 20), abs=1e-4
        )
    assert staffing_a(200, 180, 1e7).agents == 14


def test_erlang_a_callers_who_hang_up_need_fewer_secretaries() -> None:
    # Two minutes of patience: the queue empties itself; 12 secretaries answer 82.6 %.
    found = staffing_a(200, 180, 120)
    assert found.agents == 12
    assert found.service_level == pytest.approx(0.8256, abs=1e-3)
    levels = [service_level_a(n, 200, 180, 120, 20) for n in range(1, 30)]
    assert all(a <= b + 1e-9 for a, b in itertools.pairwise(levels))


def test_the_command_uses_erlang_a_when_patience_is_given() -> None:
    code, output = run("--calls-per-hour", "200", "--aht", "180", "--patience", "120", "--json")
    assert code == 0, output
    assert json.loads(output)["agents"] == 12 and json.loads(output)["model"] == "erlang-a"
    code, output = run("--calls-per-hour", "200", "--aht", "180", "--patience", "0")
    assert code != 0 and "patience" in output
