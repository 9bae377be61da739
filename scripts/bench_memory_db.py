#!/usr/bin/env python3
"""Outbox actions per second on `--chain memory:db` (docs/benchmarks/reliability.md).

Each action is what a node does for one chain transaction: ``actions.perform`` records the
intent, checks the chain, sends a ``stake`` (one durable chain transaction in the SQLite
file) and marks the intent done; with ``--rows 1`` its record also writes a row (the agents
row, as a registration does). The database is a fresh SQLite file in WAL mode with
synchronous=FULL, so wall time is mostly fsyncs (one per COMMIT) and swings with the shared
machine's disk; COMMITs and CPU per action are the steadier figures. ``--chain memory`` is the
in-process chain, which commits nothing: only the node's own COMMITs are counted.

    .venv/bin/python scripts/bench_memory_db.py [--chain memory:db|memory] [--rows 0|1]
        [--actions 200] [--repeat 3] [--json]
    # before/after: run the same script with PYTHONPATH=DIR, a checkout of the other commit
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=DIR: measure the checkout in DIR instead
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from adapters.memory import MemoryChain
from node.db import repo
from node.db.engine import open_database
from node.db.memory_chain import open_memory_chain
from node.db.outbox import Outbox
from node.league import actions
from node.wasm import load_agent_file

ROOT = Path(__file__).resolve().parents[1]
CODE = load_agent_file(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")


@dataclass
class Run:
    actions_per_s: float
    cpu_ms_per_action: float
    commits_per_action: float


def one_run(count: int, chain_kind: str = "memory:db", rows: int = 0) -> Run:
    """``count`` outbox-wrapped stakes on a new database: wall rate, CPU and COMMITs each."""
    with tempfile.TemporaryDirectory() as scratch:
        db = open_database(f"sqlite:///{Path(scratch) / 'node.db'}")
        commits = [0]
        event.listen(
            db.engine, "commit", lambda _connection: commits.__setitem__(0, commits[0] + 1)
        )
        try:
            chain = open_memory_chain(db).adapter if chain_kind == "memory:db" else MemoryChain()
            agent = chain.register_agent(CODE)
            outbox = Outbox(db, chain.chain_id)

            def record(_: object) -> None:
                for _row in range(rows):
                    repo.save_agent(db, chain.chain_id, agent, b"\x00" * 32, owner=chain.address)

            commits[0] = 0
            started, cpu = time.perf_counter(), time.process_time()
            for number in range(count):
                actions.perform(
                    outbox,
                    "stake",
                    [agent, number],
                    {},
                    check=lambda: None,
                    send=lambda: chain.stake(agent, 1) or True,
                    record=record if rows else None,
                )
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            db.close()
    return Run(count / elapsed, 1000 * cpu / count, commits[0] / count)


def main() -> None:
    parser = argparse.ArgumentParser(description="outbox actions per second on memory:db")
    parser.add_argument("--chain", choices=["memory:db", "memory"], default="memory:db")
    parser.add_argument("--rows", type=int, choices=[0, 1], default=0)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = [one_run(args.actions, args.chain, args.rows) for _ in range(args.repeat)]
    result = {
        "chain": args.chain,
        "rows": args.rows,
        "actions": args.actions,
        "actions_per_s": [round(run.actions_per_s, 1) for run in runs],
        "median_actions_per_s": round(statistics.median(r.actions_per_s for r in runs), 1),
        "median_cpu_ms_per_action": round(statistics.median(r.cpu_ms_per_action for r in runs), 2),
        "commits_per_action": runs[0].commits_per_action,
        "load_1min": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['median_actions_per_s']} outbox actions/s on {args.chain}, "
            f"{result['median_cpu_ms_per_action']} ms CPU and "
            f"{result['commits_per_action']} COMMITs per action "
            f"(runs {result['actions_per_s']}, load {result['load_1min']})"
        )


if __name__ == "__main__":
    main()
