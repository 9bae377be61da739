"""Rounds on Ray: byte-identical to the local executor, and unchanged when a worker dies."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

from node.cli import main
from node.executor import ChunkWork, ExecutorError, open_executor
from node.executor.local import LocalExecutor
from node.executor.ray_cluster import RayExecutor, check_reachable
from node.league import RoundSpec, resolve_league, run_round
from node.wasm import load_agent_file

pytestmark = [pytest.mark.ray, pytest.mark.usefixtures("ray_session")]

ray = pytest.importorskip("ray")
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests/

T = TypeVar("T")
R = TypeVar("R")

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
GREEDY = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
SIMPLE = load_agent_file(AGENTS / "snake" / "simple_v0.wat")
MALFORMED = (AGENTS / "hostile" / "malformed.wasm").read_bytes()
TRAP = load_agent_file(AGENTS / "hostile" / "trap_unreachable.wat")
DEMO = resolve_league("demo")
AGENT_SET = {7: GREEDY, 2: SIMPLE, 11: MALFORMED, 5: TRAP, 9: GREEDY, 3: SIMPLE}


def spec(matches: int = 4) -> RoundSpec:
    return RoundSpec("snake", DEMO.params_bytes, DEMO.fuel_per_decision, matches, b"\x5a" * 32)


def test_ray_round_equals_local_records_roots_and_traces() -> None:
    local = run_round(spec(), AGENT_SET, executor=LocalExecutor(2), keep_traces=True)
    done: list[int] = []
    ray_executor = open_executor("ray")
    assert isinstance(ray_executor, RayExecutor)
    assert ray_executor.workers == 2
    on_ray = run_round(
        spec(), AGENT_SET, executor=RayExecutor(min_chunk=3), keep_traces=True, progress=done.append
    )
    assert sum(done) == len(AGENT_SET) * 4
    assert len(done) > 1  # progress per chunk
    assert on_ray.agents == local.agents  # records, claim roots, full traces
    assert [a.claim_root for a in on_ray.agents] == [a.claim_root for a in local.agents]
    ray_executor.close()  # did not start this Ray: leaves it running
    assert run_round(spec(1), {1: GREEDY}, executor=RayExecutor()).agents[0].matches


def test_a_trapping_agent_in_this_process_is_a_forfeit_after_ray_started() -> None:
    """ray.init installs crash handlers for SIGILL/SIGSEGV in the driver; the executor puts
    wasmtime's back, so a trap played here (a verifier's dispute replay) stays a trap."""
    trapped = run_round(spec(2), {1: TRAP}, workers=1).agents[0]
    assert [m.outcome for m in trapped.matches] == [1, 1]  # trap, not a dead process


class KillOnce:
    """Wraps a round's work: the first chunk to run anywhere kills its worker process (as a
    machine lost mid-round would), recording the pid in ``marker`` first."""

    def __init__(self, inner: ChunkWork[Any, Any], marker: str) -> None:
        self.inner = inner
        self.marker = marker

    def __call__(self, chunk: Sequence[Any]) -> Any:
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return self.inner(chunk)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os._exit(1)


class KillingRay(RayExecutor):
    def __init__(self, marker: Path) -> None:
        super().__init__(min_chunk=2)
        self.marker = str(marker)

    def map_chunks(self, work: ChunkWork[T, R], chunks: Sequence[Sequence[T]]) -> Iterator[R]:
        yield from super().map_chunks(KillOnce(work, self.marker), chunks)


def test_a_worker_killed_mid_round_is_retried_and_the_round_is_unchanged(tmp_path: Path) -> None:
    marker = tmp_path / "killed"
    expected = run_round(spec(), AGENT_SET, workers=1)
    survived = run_round(spec(), AGENT_SET, executor=KillingRay(marker))
    killed_pid = int(marker.read_text())
    assert killed_pid != os.getpid()  # a Ray worker died, not this process
    assert survived.agents == expected.agents


def test_cli_play_on_ray_prints_the_local_report() -> None:
    runner = CliRunner()
    args = ["league", "play", "demo", "--round-seed", "0x0102", "--json"]
    for path in ("snake/greedy_v1.wat", "snake/simple_v0.wat", "hostile/malformed.wasm"):
        args += ["--agent", str(AGENTS / path)]
    local = runner.invoke(main, [*args, "--executor", "local", "--workers", "2"])
    on_ray = runner.invoke(main, [*args, "--executor", "ray"])
    assert local.exit_code == 0, local.output
    assert on_ray.exit_code == 0, on_ray.output
    assert json.loads(on_ray.output) == json.loads(local.output)


def test_cli_rejects_a_ray_address_without_ray() -> None:
    args = ["league", "play", "demo", "--agent", str(AGENTS / "snake/greedy_v1.wat")]
    result = CliRunner().invoke(main, [*args, "--ray-address", "127.0.0.1:1"])
    assert result.exit_code == 2
    assert "--ray-address: only with --executor ray" in result.output
    bad = CliRunner().invoke(main, [*args, "--executor", "dask"])
    assert bad.exit_code == 2
    with pytest.raises(ExecutorError, match=r"cannot reach Ray at 127\.0\.0\.1:1"):
        check_reachable("127.0.0.1:1")  # before ray.init, which would retry for minutes
    check_reachable("auto")  # not host:port: left to ray.init
