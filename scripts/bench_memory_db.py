#!/usr/bin/env python3
"""Outbox actions per second on `--chain memory:db` (docs/benchmarks/reliability.md).

Each action is what a node does for one chain transaction: ``actions.perform`` records the
intent, checks the chain, sends a ``stake`` (one durable chain transaction in the SQLite
file) and marks the intent done. The database is a fresh SQLite file in WAL mode with
synchronous=FULL, so the figure is dominated by fsyncs: fewer commits per action, more actions.

    .venv/bin/python scripts/bench_memory_db.py [--actions 200] [--repeat 3] [--json]
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
from pathlib import Path

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parents[1]))

from node.db.engine import open_database
from node.db.memory_chain import open_memory_chain
from node.db.outbox import Outbox
from node.league import actions
from node.wasm import load_agent_file

ROOT = Path(__file__).resolve().parents[1]
CODE = load_agent_file(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")


def one_run(count: int) -> float:
    """Actions per second over ``count`` outbox-wrapped stakes on a new database."""
    with tempfile.TemporaryDirectory() as scratch:
        db = open_database(f"sqlite:///{Path(scratch) / 'node.db'}")
        try:
            chain = open_memory_chain(db).adapter
            agent = chain.register_agent(CODE)
            outbox = Outbox(db, chain.chain_id)
            started = time.perf_counter()
            for number in range(count):
                actions.perform(
                    outbox,
                    "stake",
                    [agent, number],
                    {},
                    check=lambda: None,
                    send=lambda: chain.stake(agent, 1) or True,
                )
            elapsed = time.perf_counter() - started
        finally:
            db.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description="outbox actions per second on memory:db")
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rates = [one_run(args.actions) for _ in range(args.repeat)]
    result = {
        "actions": args.actions,
        "runs": [round(rate, 1) for rate in rates],
        "median_actions_per_s": round(statistics.median(rates), 1),
        "load_1min": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['median_actions_per_s']} outbox actions/s on memory:db "
            f"(runs {result['runs']}, load {result['load_1min']})"
        )


if __name__ == "__main__":
    main()
