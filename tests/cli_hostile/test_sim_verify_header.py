"""`nets sim verify TRACE` replays only a built-in scenario named in the trace header: a header
naming a file on this machine is refused (the trace is the untrusted input), --scenario FILE
still works."""

from __future__ import annotations

from pathlib import Path

from tests.cli_hostile.conftest import Nets


def test_a_header_naming_a_local_file(nets: Nets, workdir: Path) -> None:
    scenario = workdir / "local.yaml"
    scenario.write_text("name: local\nagents: {count: 2}\ntask: {type: pingpong}\n")
    trace = workdir / "t.jsonl"
    trace.write_text(f'{{"kind":"run","format":"nets-sim/1","name":"{scenario}","seed":1}}\n')
    nets("sim", "verify", str(trace)).refused(f"names '{scenario}', not a built-in scenario")
    assert nets("sim", "verify", str(trace), "--scenario", str(scenario)).code == 1  # mismatch
