#!/usr/bin/env python3
"""Simulator benchmark: events/s, us per message and peak RSS for ping-pong, gossip and the
marketplace at 1k, 10k, 100k agents (and 1M: ``--sizes 1000000``).

Every (workload, size, trace) cell runs in a fresh subprocess so its peak RSS is its own.

    .venv/bin/python scripts/bench_sim.py                  # the full table (a few minutes)
    .venv/bin/python scripts/bench_sim.py --sizes 1000 --json
    .venv/bin/python scripts/bench_sim.py --trace no yes --repeat 3   # best of 3 per cell
    .venv/bin/python scripts/bench_sim.py --workload marketplace --sizes 4000 20000 100000 --trace yes
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORKLOADS: dict[str, dict[str, Any]] = {
    "pingpong": {"type": "pingpong", "config": {"rounds": 10, "timeout": 8}},
    "gossip": {"type": "gossip", "config": {"fanout": 3, "rounds": 3, "period": 2, "seeds": 10}},
    # marketplace_4k's task at any size: half buyers, half sellers, a 50-item catalog
    "marketplace": {
        "type": "marketplace",
        "config": {"items": 50, "items_per_seller": 2, "stock": 3, "rounds": 3, "period": 30},
    },
}


def _scenario(workload: str, agents: int) -> dict[str, Any]:
    return {
        "name": f"bench-{workload}-{agents}",
        "seed": 1,
        "agents": {"count": agents},
        "task": WORKLOADS[workload],
        "duration": "ticks: 1000000",
    }


class GcClock:
    """CPU seconds spent in the cyclic garbage collector, and collections per generation."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = [0, 0, 0]
        self._started = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started
            self.collections[info["generation"]] += 1


def child(workload: str, agents: int, trace_dir: str | None, worker: bool) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    gc_clock = GcClock()
    from node.sim import engine, scenario
    from node.sim.trace import TraceWriter

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    resolved = scenario.validate(_scenario(workload, agents))
    started = time.perf_counter()
    setup_cpu = time.process_time()
    writer = TraceWriter(Path(trace_dir) / "bench.jsonl", hash_worker=worker) if trace_dir else None
    sim = engine.Simulation(resolved, writer)
    setup = time.perf_counter() - started
    cpu = time.process_time()
    setup_cpu = cpu - setup_cpu
    result = sim.run()
    cpu = time.process_time() - cpu
    trace_bytes = (Path(trace_dir) / "bench.jsonl").stat().st_size if trace_dir else 0
    return {
        "workload": workload,
        "agents": agents,
        "trace": ("worker" if worker else "yes") if trace_dir else "no",
        "events": result.events,
        "messages": result.sent,
        "trace_lines": result.trace_lines,
        "trace_mb": round(trace_bytes / 1e6, 1),
        "setup_s": round(setup, 3),
        "setup_cpu_s": round(setup_cpu, 3),
        "run_s": round(result.wall_seconds, 3),
        "events_per_s": round(result.events / result.wall_seconds),
        "cpu_s": round(cpu, 3),
        "events_per_cpu_s": round(result.events / cpu) if cpu > 0 else None,
        "us_per_message": round(cpu / result.sent * 1e6, 2) if result.sent else None,
        "gc_s": round(gc_clock.seconds, 3),
        "gc_collections": gc_clock.collections,
        **process_figures(base_rss, result.root),
    }


def process_figures(base_rss: int, root: bytes | None) -> dict[str, Any]:
    """The closing columns of every child row: peak and base RSS, trace root, load average."""
    return {
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "base_rss_mb": round(base_rss / 1024, 1),
        "root": root.hex() if root else None,
        "load_1m": round(os.getloadavg()[0], 1),
    }


def in_fresh_process(script: str, args: list[str], trace: str) -> dict[str, Any]:
    """``script --child *args [trace dir]`` in a new interpreter, so its peak RSS is its own;
    the trace dir (given unless ``trace`` is "no") is a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        cmd = [sys.executable, script, "--child", *args, *([tmp] if trace != "no" else [])]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        return json.loads(out.stdout)


def measure(workload: str, agents: int, trace: str, repeat: int = 1) -> dict[str, Any]:
    """The best of ``repeat`` fresh runs by CPU rate: on a shared machine the slower runs
    measure the neighbours, not the simulator."""
    rows = [_measure_once(workload, agents, trace) for _ in range(max(1, repeat))]
    return max(rows, key=lambda r: r["events_per_cpu_s"] or 0)


def _measure_once(workload: str, agents: int, trace: str) -> dict[str, Any]:
    return in_fresh_process(__file__, [workload, str(agents), trace], trace)


def main() -> None:
    parser = argparse.ArgumentParser(description="Simulator benchmark (events/s, peak RSS).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    parser.add_argument(
        "--trace",
        nargs="+",
        default=["no", "yes", "worker"],
        choices=["no", "yes", "worker"],
        help="no trace / trace hashed in process / trace hashed in a second process",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell, best CPU rate kept")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        trace_dir = args.child[3] if len(args.child) > 3 else None
        result = child(args.child[0], int(args.child[1]), trace_dir, args.child[2] == "worker")
        print(json.dumps(result))
        return
    if not args.json:
        print(
            "| workload | agents | trace | events | run s | events/s | events/CPU-s | CPU s "
            "| us/message | set-up CPU s | GC s | peak RSS MB | trace MB | root | load |\n"
            "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: | --- | ---: |",
            flush=True,
        )
    rows = []
    for workload in args.workloads:
        for size in args.sizes:
            for trace in args.trace:
                rows.append(measure(workload, size, trace, args.repeat))
                if not args.json:
                    r = rows[-1]
                    print(
                        f"| {r['workload']} | {r['agents']:,} | {r['trace']} | "
                        f"{r['events']:,} | {r['run_s']} | {r['events_per_s']:,} | "
                        f"{r['events_per_cpu_s']:,} | {r['cpu_s']} | {r['us_per_message']} | "
                        f"{r['setup_cpu_s']} | {r['gc_s']} | "
                        f"{r['peak_rss_mb']} | {r['trace_mb']} | {(r['root'] or '-')[:12]} | "
                        f"{r['load_1m']} |",
                        flush=True,
                    )
    if args.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
