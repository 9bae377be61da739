"""Anvil transactions/s of several checkouts of the adapter, measured in lockstep on one anvil.

    .venv/bin/python scripts/bench_chain_lockstep.py DIR [DIR ...] [--batches N] [--batch N] [--json]

One worker process per checkout DIR (its ``adapters`` package first on the path, this venv,
so the same signer backend) deploys its own Arena set on a shared anvil and sends ``stake``
transactions from its own account; the workers take turns, ``--batch`` transactions each, so
a burst of load from other work on a shared machine falls on all of them alike. Per checkout:
transactions/s over all its batches and the client's CPU milliseconds per transaction.
Only the API every checkout shares is used: Web3Chain, deploy_arena, with_signer,
register_agent, stake.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

WORKER = """
import sys, time
from adapters.select import deploy_arena
from adapters.web3chain import Web3Chain
from tests.conformance.harness import AGENT_CODE, account
url, index = sys.argv[1], int(sys.argv[2])
chain = Web3Chain(url, account(0))
deploy_arena(chain)
owner = chain.with_signer(account(index))
agent_id = owner.register_agent(AGENT_CODE)
for _ in range(20):
    owner.stake(agent_id, 1)
print("ready", flush=True)
for line in sys.stdin:
    n = int(line)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        owner.stake(agent_id, 1)
    print(time.perf_counter() - wall, time.process_time() - cpu, flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="anvil tx/s of checkouts, in lockstep")
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from adapters.anvil import Anvil

    with Anvil() as node:
        workers = []
        # account 0 deploys for every worker, one at a time (its nonces stay in order)
        for index, tree in enumerate(args.trees, start=1):
            env = {**os.environ, "PYTHONPATH": str(tree.resolve())}
            worker = subprocess.Popen(
                [sys.executable, "-c", WORKER, node.url, str(index)],
                cwd=tree,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            workers.append(worker)
            if worker.stdout is None or worker.stdout.readline().strip() != "ready":
                raise SystemExit(f"{tree}: the worker did not start (see its error above)")
        totals = {str(tree): [0.0, 0.0] for tree in args.trees}
        for _ in range(args.batches):
            for tree, worker in zip(args.trees, workers, strict=True):
                assert worker.stdin is not None
                assert worker.stdout is not None
                worker.stdin.write(f"{args.batch}\n")
                worker.stdin.flush()
                wall, cpu = map(float, worker.stdout.readline().split())
                totals[str(tree)][0] += wall
                totals[str(tree)][1] += cpu
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait(timeout=30)
    n = args.batches * args.batch
    figures = {
        tree: {"tx_per_s": round(n / wall, 1), "client_cpu_ms_per_tx": round(cpu / n * 1000, 2)}
        for tree, (wall, cpu) in totals.items()
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for tree, row in figures.items():
        print(f"{tree:40} {row['tx_per_s']:8.1f} tx/s {row['client_cpu_ms_per_tx']:6.2f} ms CPU/tx")


if __name__ == "__main__":
    main()
