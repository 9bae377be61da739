"""Rounds on Ray against the local process pool, Ray's per-task overhead, and chunk sizes.

    .venv/bin/python scripts/bench_distributed.py [--agents 1000] [--matches 10] [--cpus 2]
        [--chunks 1,4,16,32,64,256] [--probe-agents 64] [--overhead-tasks 2000] [--no-round]

1. Ray per-task overhead: no-op chunks through the executor's own task path (object-store
   reference, worker-side cache), as a pipelined batch (throughput cost per task) and one at
   a time (round-trip latency).
2. Chunk size: a probe round (``--probe-agents`` x ``--matches``) on Ray with fixed chunk
   sizes, matches/s for each, beside the same probe in this process (no executor cost).
3. The round: ``--agents`` x ``--matches`` snake 20x20 matches on the local executor
   (``--cpus`` processes) and on Ray (``--cpus`` CPUs), claims checked byte-identical.
The agents cycle through scenarios/agents/snake/ (greedy_v1, simple_v0, nets_guest_v0).
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from node.executor import ChunkWork
from node.executor.local import LocalExecutor
from node.executor.ray_cluster import RayExecutor
from node.league import RoundSpec, resolve_league, run_round
from node.wasm import load_agent_file

T = TypeVar("T")
R = TypeVar("R")

ROOT = Path(__file__).resolve().parents[1]
SNAKE_AGENTS = ("greedy_v1.wat", "simple_v0.wat", "nets_guest_v0.wat")


class Noop:
    """A job that does nothing: what is left is Ray's cost per task."""

    def __call__(self, chunk: Sequence[Any]) -> int:
        return len(chunk)


class FixedChunks(RayExecutor):
    """Ray with an exact chunk size (the probe), sharing the running Ray session."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def chunk_count(self, tasks: int) -> int:
        return max(1, math.ceil(tasks / self.size))

    def map_chunks(self, work: ChunkWork[T, R], chunks: Sequence[Sequence[T]]) -> Iterator[R]:
        return super().map_chunks(work, chunks)


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def overhead(tasks: int) -> None:
    executor = RayExecutor()
    list(executor.map_chunks(Noop(), [[0]] * 50))  # warm the workers
    start = time.perf_counter()
    done = sum(executor.map_chunks(Noop(), [[0]] * tasks))
    batch = time.perf_counter() - start
    assert done == tasks
    sequential = min(200, tasks)
    start = time.perf_counter()
    for _ in range(sequential):
        list(executor.map_chunks(Noop(), [[0]]))
    latency = time.perf_counter() - start
    print("| measure | value |")
    print("| --- | ---: |")
    print(f"| no-op tasks, pipelined ({tasks}) | {batch / tasks * 1e3:.2f} ms per task wall |")
    print(
        f"| no-op task round trip, one at a time ({sequential}) | "
        f"{latency / sequential * 1e3:.2f} ms (incl. one ray.put each) |"
    )
    print(f"| load average | {load()} |")


def probe(spec: RoundSpec, agents: dict[int, bytes], sizes: list[int]) -> None:
    matches = len(agents) * spec.matches_per_round
    start = time.process_time()
    reference = run_round(spec, agents, workers=1)
    cpu = time.process_time() - start
    per_match = cpu / matches
    warm = dict(list(agents.items())[:8])  # every Ray worker imports the runner once, first
    for _ in range(2):
        run_round(spec, warm, executor=FixedChunks(1))
    print(f"probe: {len(agents)} agents x {spec.matches_per_round} = {matches} matches")
    print(f"in this process: {cpu:.2f} s CPU, {per_match * 1e3:.2f} ms CPU per match")
    print()
    print("| chunk size | chunks | wall s | matches/s wall | load before |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        before = load()
        start = time.perf_counter()
        result = run_round(spec, agents, executor=FixedChunks(size))
        wall = time.perf_counter() - start
        if result.agents != reference.agents:
            raise SystemExit(f"chunk size {size}: claims differ from the in-process round")
        chunks = math.ceil(matches / size)
        print(f"| {size} | {chunks} | {wall:.2f} | {matches / wall:,.0f} | {before} |")


def full_round(spec: RoundSpec, agents: dict[int, bytes], cpus: int, repeat: int) -> None:
    """Local and Ray alternately, ``repeat`` times each (the shared machine drifts)."""
    matches = len(agents) * spec.matches_per_round
    rows = []
    reference = None
    for turn in range(repeat):
        for name, executor in (("local", LocalExecutor(cpus)), ("ray", RayExecutor())):
            before = load()
            start = time.perf_counter()
            result = run_round(spec, agents, executor=executor)
            wall = time.perf_counter() - start
            reference = reference or result.agents
            if result.agents != reference:
                raise SystemExit(f"{name}: claims differ from the first run")
            chunks = executor.chunk_count(matches)
            rows.append(
                f"| {turn + 1} | {name} | {cpus} | {chunks} | {wall:.1f} | "
                f"{matches / wall:,.0f} | {before} |"
            )
    print(f"round: {len(agents)} agents x {spec.matches_per_round} = {matches} matches; "
          "claims identical on every run")  # fmt: skip
    print()
    print("| run | executor | CPUs | chunks | wall s | matches/s wall | load before |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description="Rounds on Ray against local processes.")
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--matches", type=int, default=10)
    parser.add_argument("--cpus", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunks", default="1,4,16,32,64,256")
    parser.add_argument("--probe-agents", type=int, default=64)
    parser.add_argument("--overhead-tasks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="full rounds per executor")
    parser.add_argument("--no-round", action="store_true", help="skip the full round")
    args = parser.parse_args()

    league = resolve_league("snake")
    codes = [load_agent_file(ROOT / "scenarios" / "agents" / "snake" / n) for n in SNAKE_AGENTS]
    spec = RoundSpec(
        "snake", league.params_bytes, league.fuel_per_decision, args.matches, b"\x5a" * 32
    )
    print(f"cpus {os.cpu_count()}, load average {load()}")
    start = time.perf_counter()
    session = RayExecutor(num_cpus=args.cpus)  # ray.init with wasmtime's trap handlers kept
    print(f"ray.init (local, {args.cpus} CPUs): {time.perf_counter() - start:.1f} s")
    print()
    overhead(args.overhead_tasks)
    print()
    probe_agents = {i: codes[(i - 1) % len(codes)] for i in range(1, args.probe_agents + 1)}
    probe(spec, probe_agents, [int(s) for s in args.chunks.split(",")])
    if not args.no_round:
        print()
        agents = {i: codes[(i - 1) % len(codes)] for i in range(1, args.agents + 1)}
        full_round(spec, agents, args.cpus, args.repeat)
    session.close()


if __name__ == "__main__":
    main()
