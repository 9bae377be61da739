"""`nets submit` and `nets verify` across commands on a memory chain kept in a file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from adapters.memory import MemoryChain
from adapters.memory.persist import load_file, save_file
from node.cli import main
from tests.roles.agents import AGENTS


def _nets(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    if args[0] not in ("submit", "verify"):
        return json.loads(result.output)
    # The roles print JSON lines: their events, then the report.
    *events, report = [json.loads(line) for line in result.output.splitlines()]
    assert report.pop("event") == "report"
    assert all({"time", "role", "event", "text"} <= set(e) for e in events)
    return report


def _world(path: Path, *, mine: int = 0, seconds: int = 0) -> None:
    world = load_file(path)
    chain = MemoryChain(world)
    if mine:
        chain.mine(mine)
    if seconds:
        chain.increase_time(seconds)
    save_file(world, path)


def _round_deadline(world: Path) -> int:
    return MemoryChain(load_file(world)).round(1).challenge_deadline


def test_submit_then_verify_settles(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    node = ["--chain", f"memory:{world}", "--db", f"sqlite:///{tmp_path / 'n.db'}"]
    agent = str(AGENTS / "snake" / "greedy_v1.wat")
    enrolled = _nets("submit", *node, "--account", "1", "--register", agent,
                     "--stake", "1000000", "--once", "--json")  # fmt: skip
    assert enrolled["agents"] == [1]
    _nets("league", "create", "demo", *node, "--json")
    _nets("league", "open-round", "1", *node, "--json")
    _world(world, mine=2)
    submitted = _nets("submit", *node, "--account", "1", "--agent", "1", "--once", "--json")
    assert submitted["actions"] == ["submit claim of agent 1 in round 1"]
    verified = _nets("verify", *node, "--account", "6", "--once", "--json")
    assert (verified["verified"], verified["challenged"]) == (1, [])
    advanced = _nets("chain", "advance", "--seconds", "601", "--chain", f"memory:{world}", "--json")
    now = advanced["time"]
    assert isinstance(now, int)
    assert now > _round_deadline(world)
    settled = _nets("verify", *node, "--account", "6", "--once", "--json")
    assert settled["settled"] == [1]


def test_submit_needs_an_agent(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["submit", "--chain", f"memory:{tmp_path / 'w.json'}", "--db", "sqlite://"]
    )
    assert result.exit_code == 2
    assert "--agent" in result.output


def test_submit_an_agent_registered_by_nets_agent(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    node = ["--chain", f"memory:{world}", "--db", f"sqlite:///{tmp_path / 'n.db'}"]
    agent = str(AGENTS / "snake" / "simple_v0.wat")
    _nets("agent", "register", agent, "--league", "demo", "--stake", "1000000", *node, "--json")
    _nets("league", "create", "demo", *node, "--json")
    _nets("league", "open-round", "1", *node, "--json")
    _world(world, mine=2)
    submitted = _nets("submit", *node, "--agent", "1", "--once", "--json")
    assert submitted["actions"] == ["submit claim of agent 1 in round 1"]


def test_verify_replays_a_user_written_agent_from_another_database(tmp_path: Path) -> None:
    """The owner's node and the verifier share only the chain file: the verifier reads the
    user's module (not a shipped example) back from the chain and replays its claim."""
    from tests.roles.test_user_agent import USER_SNAKE

    world = tmp_path / "world.json"
    chain = ["--chain", f"memory:{world}"]
    owner = [*chain, "--db", f"sqlite:///{tmp_path / 'owner.db'}"]
    module = tmp_path / "mine.wasm"
    module.write_bytes(USER_SNAKE)
    _nets("agent", "register", str(module), "--league", "demo", "--stake", "1000000",
          "--account", "2", *owner, "--json")  # fmt: skip
    _nets("league", "create", "demo", *owner, "--json")
    _nets("league", "open-round", "1", *owner, "--json")
    _world(world, mine=2)
    _nets("submit", *owner, "--account", "2", "--agent", "1", "--once", "--json")
    verifier = [*chain, "--db", f"sqlite:///{tmp_path / 'verifier.db'}", "--account", "6"]
    report = _nets("verify", *verifier, "--once", "--json")
    assert (report["verified"], report["unrecoverable"], report["mismatched"]) == (1, [], [])
    assert report["challenged"] == []
