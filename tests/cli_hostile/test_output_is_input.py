"""An output path that is the command's own input file is refused before anything is written,
so the input survives (directly, through another spelling, or through a symlink)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_hostile.conftest import GREEDY, REPO, Nets


def test_report_onto_its_trace(nets: Nets, workdir: Path) -> None:
    trace = workdir / "t.jsonl"
    assert nets("run", "pingpong", "--set", "task.config.rounds=1", "-o", str(trace)).code == 0
    before = trace.read_bytes()
    nets("report", str(trace), "-o", "./t.jsonl").refused("is the input file")
    assert trace.read_bytes() == before


@pytest.mark.parametrize("spelling", ["own.yaml", "./sub/../own.yaml", "link.yaml"])
def test_run_onto_its_scenario(nets: Nets, workdir: Path, spelling: str) -> None:
    scenario = workdir / "own.yaml"
    scenario.write_text((REPO / "node/sim/scenarios/pingpong.yaml").read_text())
    (workdir / "sub").mkdir()
    (workdir / "link.yaml").symlink_to(scenario)
    before = scenario.read_bytes()
    nets("run", "own.yaml", "-o", spelling).refused("--output")
    assert scenario.read_bytes() == before


def test_match_trace_onto_its_agent(nets: Nets, workdir: Path) -> None:
    agent = workdir / "agent.wat"
    agent.write_text(Path(GREEDY).read_text())
    nets(
        "match", "trace", "--system", "snake", "--agent", str(agent), "--output", str(agent)
    ).refused("--output: ")
    assert agent.read_text() == Path(GREEDY).read_text()
