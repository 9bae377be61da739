"""`nets agent`: local profile check first, idempotent registration, clear refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from node.cli import main

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
GOOD = str(AGENTS / "snake" / "greedy_v1.wat")


def nets(tmp_path: Path, *args: str) -> tuple[int, str]:
    chain = [
        "--chain",
        f"memory:{tmp_path / 'chain.json'}",
        "--db",
        f"sqlite:///{tmp_path / 'n.db'}",
    ]
    result = CliRunner().invoke(main, ["agent", *args, *chain])
    return result.exit_code, result.output


def test_register_is_idempotent_and_stakes_once(tmp_path: Path) -> None:
    code, out = nets(
        tmp_path, "register", GOOD, "--league", "snake", "--stake", "2 ether", "--json"
    )
    assert code == 0, out
    first = json.loads(out)
    assert first["agent_id"] == 1
    assert first["stake"] == 2 * 10**18
    assert first["abi"] == 1
    code, out = nets(
        tmp_path, "register", GOOD, "--league", "snake", "--stake", "2 ether", "--json"
    )
    assert code == 0, out
    assert json.loads(out) == first  # same agent, stake not doubled


def test_module_outside_the_profile_is_refused_before_the_chain(tmp_path: Path) -> None:
    floats = str(AGENTS / "hostile" / "floats.wat")
    code, out = nets(tmp_path, "register", floats, "--league", "snake", "--stake", "2 ether")
    assert code == 2
    assert "outside agent profile v1" in out
    assert "float" in out
    assert not (tmp_path / "chain.json").exists()  # nothing was sent


def test_stake_below_the_league_minimum_is_refused(tmp_path: Path) -> None:
    code, out = nets(tmp_path, "register", GOOD, "--league", "snake", "--stake", "5")
    assert code == 2
    assert "below the minimum stake" in out


def test_bad_amount_and_unknown_league(tmp_path: Path) -> None:
    code, out = nets(tmp_path, "register", GOOD, "--league", "snake", "--stake", "lots")
    assert code == 2
    assert "--stake" in out
    code, out = nets(tmp_path, "register", GOOD, "--league", "nope", "--stake", "1 ether")
    assert code == 2


def test_status_unstake_and_withdraw(tmp_path: Path) -> None:
    assert nets(tmp_path, "register", GOOD, "--league", "snake", "--stake", "2 ether")[0] == 0
    code, out = nets(tmp_path, "unstake", "1", "--amount", "0.5 ether", "--json")
    assert code == 0, out
    status = json.loads(out)
    assert status["stake"] == 15 * 10**17
    assert status["unstaking"] == 5 * 10**17
    code, out = nets(tmp_path, "unstake", "1", "--finalize")
    assert code == 1  # the delay has not passed: the chain's named refusal, its time readable
    assert re.search(
        r"UnstakeNotReady\((\d+): \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, in (23 h 59 min|1 d)\)", out
    ), out
    code, out = nets(tmp_path, "withdraw")
    assert code == 2
    assert "nothing to withdraw" in out
    advance = [
        "chain",
        "advance",
        "--seconds",
        "86400",
        "--chain",
        f"memory:{tmp_path / 'chain.json'}",
    ]
    assert CliRunner().invoke(main, advance).exit_code == 0
    code, out = nets(tmp_path, "unstake", "1", "--finalize", "--json")
    assert code == 0, out
    assert json.loads(out)["unstaking"] == 0
    code, out = nets(tmp_path, "status", "7")
    assert code == 2
    assert "no such agent" in out


def test_submit_finds_the_code_of_an_agent_registered_by_the_agent_command(tmp_path: Path) -> None:
    assert nets(tmp_path, "register", GOOD, "--league", "snake", "--stake", "2 ether")[0] == 0
    chain = [
        "--chain",
        f"memory:{tmp_path / 'chain.json'}",
        "--db",
        f"sqlite:///{tmp_path / 'n.db'}",
    ]
    result = CliRunner().invoke(main, ["submit", "--agent", "1", "--once", "--json", *chain])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["submit", "--agent", "2", "--once", *chain])
    assert result.exit_code == 2
