#!/usr/bin/env python3
"""marketplace_chain on MemoryChain and on anvil: wall time, transactions, same root.

Scales the marketplace (buyers = sellers = agents/2) and runs it once per chain; the anvil
figure counts only the run (anvil is started and stays up), not its start.

    .venv/bin/python scripts/bench_sim_chain.py                    # 20, 100 agents
    .venv/bin/python scripts/bench_sim_chain.py --agents 20 100 400 --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.anvil import Anvil
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from adapters.web3chain import Web3Chain
from node.sim import engine, scenario
from node.sim.chain.session import use_chain


@dataclass
class Row:
    agents: int
    chain: str
    seconds: float
    transactions: int
    deals: float | None
    root: str


def _run(agents: int, chain: MemoryChain | Web3Chain, label: str) -> Row:
    half = agents // 2
    sets = (
        f"agents.count={2 * half}",
        f"agents.roles.0.count={half}",
        f"agents.roles.1.count={half}",
        f"task.config.items={max(half, 1)}",
    )
    resolved = scenario.load("marketplace_chain", overrides=sets)
    head = chain.block_number()
    start = time.perf_counter()
    with use_chain(chain):
        result = engine.run(resolved, None)
    seconds = time.perf_counter() - start
    root = "0x" + (result.root or b"").hex()
    deals = result.metrics.get("deals")
    return Row(2 * half, label, seconds, chain.block_number() - head, deals, root)


def main() -> None:
    parser = argparse.ArgumentParser(description="marketplace_chain on memory and anvil")
    parser.add_argument("--agents", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows: list[Row] = []
    node = Anvil().start()
    try:
        anvil = Web3Chain(node.url, anvil_account(0))
        for agents in args.agents:
            rows.append(_run(agents, MemoryChain(), "memory"))
            rows.append(_run(agents, anvil, "anvil"))
    finally:
        node.stop()
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return
    print(f"{'agents':>6} {'chain':>6} {'seconds':>8} {'txs':>6} {'tx/s':>7} {'deals':>6}  root")
    for r in rows:
        rate = r.transactions / r.seconds if r.seconds else 0.0
        print(
            f"{r.agents:>6} {r.chain:>6} {r.seconds:>8.3f} {r.transactions:>6} {rate:>7.0f} "
            f"{r.deals or 0:>6.0f}  {r.root[:18]}…"
        )


if __name__ == "__main__":
    main()
