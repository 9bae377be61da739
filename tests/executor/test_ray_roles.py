"""`nets submit` and `nets verify` with `--executor ray`: a claim made on Ray is verified
without a challenge by a local verifier and by a Ray verifier (they replay the same bytes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.memory import MemoryChain
from adapters.memory.persist import load_file, save_file
from node.cli import main
from tests.roles.agents import AGENTS

pytestmark = [pytest.mark.ray, pytest.mark.usefixtures("ray_session")]


def _nets(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    if args[0] not in ("submit", "verify"):
        return json.loads(result.stdout)
    *_events, report = [json.loads(line) for line in result.stdout.splitlines()]
    assert report.pop("event") == "report"  # the roles print their events, then the report
    return report


def test_claims_made_on_ray_verify_locally_and_on_ray(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    chain = ["--chain", f"memory:{world}"]
    owner = [*chain, "--db", f"sqlite:///{tmp_path / 'owner.db'}", "--account", "1"]
    agent = str(AGENTS / "snake" / "greedy_v1.wat")
    _nets("submit", *owner, "--register", agent, "--stake", "1000000", "--once", "--json")
    _nets("league", "create", "demo", *owner[:-2], "--json")
    _nets("league", "open-round", "1", *owner[:-2], "--json")
    state = load_file(world)
    MemoryChain(state).mine(2)
    save_file(state, world)
    submitted = _nets("submit", *owner, "--agent", "1", "--once", "--executor", "ray", "--json")
    assert submitted["actions"] == ["submit claim of agent 1 in round 1"]
    for number, executor in ((6, "local"), (7, "ray")):
        db = ["--db", f"sqlite:///{tmp_path / f'verifier{number}.db'}"]
        verified = _nets(
            "verify", *chain, *db, "--account", str(number), "--once", "--no-settle",
            "--executor", executor, "--json",
        )  # fmt: skip
        assert (verified["verified"], verified["challenged"]) == (1, [])
