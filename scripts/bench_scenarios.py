#!/usr/bin/env python3
"""Scenario benchmark: wall time, CPU time and peak RSS of built-in scenarios at scale.

Each (scenario, trace) cell runs in a fresh subprocess so its peak RSS is its own; times are
the run itself (agents built, events processed, trace written and hashed), not interpreter
start-up. The 1-minute load average is reported: on a shared machine it explains outliers.

    .venv/bin/python scripts/bench_scenarios.py --repeat 3            # marketplace_1k and _4k
    .venv/bin/python scripts/bench_scenarios.py --scenarios private_commerce --repeat 3 --json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench_sim import ROOT, in_fresh_process, process_figures  # same directory


def child(name: str, trace_dir: str | None, worker: bool = False) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    from node.sim import engine, scenario
    from node.sim.trace import TraceWriter

    resolved = scenario.load(name)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    started = time.perf_counter()
    path = Path(trace_dir) / "bench.jsonl" if trace_dir else None
    writer = TraceWriter(path, hash_worker=worker) if path else None
    result = engine.Simulation(resolved, writer).run()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "scenario": name,
        "agents": result.agents,
        "trace": ("worker" if worker else "yes") if trace_dir else "no",
        "events": result.events,
        "messages": result.sent,
        "trace_lines": result.trace_lines,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        **process_figures(base_rss, result.root),
    }


def measure(name: str, trace: str) -> dict[str, Any]:
    return in_fresh_process(__file__, [name, trace], trace)


def main() -> None:
    parser = argparse.ArgumentParser(description="Scenario benchmark (wall time, peak RSS).")
    parser.add_argument("--scenarios", nargs="+", default=["marketplace_1k", "marketplace_4k"])
    parser.add_argument(
        "--trace",
        nargs="+",
        default=["yes", "worker", "no"],
        choices=["yes", "worker", "no"],
        help="trace hashed in process / hashed in a second process / no trace",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the fastest is kept")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, mode, *rest = args.child
        print(json.dumps(child(name, rest[0] if rest else None, mode == "worker")))
        return
    rows = []
    for name in args.scenarios:
        for trace in args.trace:
            runs = [measure(name, trace) for _ in range(max(args.repeat, 1))]
            rows.append(min(runs, key=lambda r: r["wall_s"]))
            if not args.json:
                r = rows[-1]
                print(
                    f"| {r['scenario']} | {r['agents']:,} | {r['trace']} | {r['events']:,} | "
                    f"{r['trace_lines']:,} | {r['wall_s']} | {r['cpu_s']} | {r['peak_rss_mb']} | "
                    f"{r['load_1m']} |",
                    flush=True,
                )
    if args.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
