"""A `--set` value nested thousands deep is refused with one line naming the key, in both
commands that take overrides. Run as processes: how deep YAML may nest depends on the
interpreter's recursion limit, which libraries loaded by other tests raise."""

from __future__ import annotations

from pathlib import Path

from tests.cli_hostile.conftest import Nets, nets_process

DEEP = "[" * 5000 + "]" * 5000


def test_a_deeply_nested_set_value_in_run(workdir: Path) -> None:
    nets_process(workdir, "run", "pingpong", "--no-trace", "--set", f"agents={DEEP}").refused(
        "agents: --set value nests too deeply"
    )


def test_a_deeply_nested_set_value_in_sim_verify(nets: Nets, workdir: Path) -> None:
    trace = workdir / "t.jsonl"
    assert nets("run", "pingpong", "--set", "task.config.rounds=1", "-o", str(trace)).code == 0
    nets_process(workdir, "sim", "verify", str(trace), "--set", f"agents={DEEP}").refused(
        "agents: --set value nests too deeply"
    )
