#!/usr/bin/env python3
"""Web3 adapter throughput on anvil: confirmed state-changing transactions per second.

Each transaction goes the full way: eth_estimateGas, local signing, eth_sendRawTransaction,
receipt polling (anvil automines one block per transaction). Sequential from one thread,
then the same key shared by several threads (one sender, one nonce counter), then several
keys each with their own sender.

    .venv/bin/python scripts/bench_adapters.py                 # 300 txs per mode, 4 threads
    .venv/bin/python scripts/bench_adapters.py --txs 1000 --threads 8 --json
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.anvil import Anvil
from adapters.build import compile_contracts
from adapters.keys import anvil_account
from adapters.web3chain import Web3Chain

COUNTER = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Counter {
    uint256 public count;
    event Bumped(address indexed by, uint256 count);
    function bump() external { count += 1; emit Bumped(msg.sender, count); }
}
"""


@dataclass
class Result:
    mode: str
    threads: int
    txs: int
    seconds: float
    tx_per_s: float


def _run(mode: str, chains: list[Web3Chain], txs: int) -> Result:
    per_thread = txs // len(chains)

    def worker(chain: Web3Chain) -> None:
        for _ in range(per_thread):
            chain.transact("Counter", "bump")

    threads = [threading.Thread(target=worker, args=(c,)) for c in chains]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    done = per_thread * len(chains)
    return Result(mode, len(chains), done, round(elapsed, 3), round(done / elapsed, 1))


def main() -> None:
    parser = argparse.ArgumentParser(description="Web3 adapter throughput on anvil.")
    parser.add_argument("--txs", type=int, default=300, help="transactions per mode")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    artifact = compile_contracts({"bench/Counter.sol": COUNTER})["Counter"]
    abi = artifact.abi
    results: list[Result] = []
    with Anvil() as node:
        first = Web3Chain(node.url, anvil_account(0))
        receipt = first.deploy_code(artifact.bytecode, abi=abi)
        assert receipt.contract_address is not None
        address = receipt.contract_address

        def bound(index: int) -> Web3Chain:
            chain = Web3Chain(node.url, anvil_account(index))
            chain.bind("Counter", address, abi)
            return chain

        shared = bound(0)
        _run("warm-up", [shared], 20)
        results.append(_run("sequential, 1 key", [shared], options.txs))
        results.append(_run("threads sharing 1 key", [shared] * options.threads, options.txs))
        keys = [bound(i + 1) for i in range(options.threads)]
        results.append(_run("threads, 1 key each", keys, options.txs))
        total = shared.call("Counter", "count")
        expected = 20 + sum(r.txs for r in results)
        assert total == expected, f"counter {total} != {expected}: lost or duplicated transactions"
    if options.json:
        print(json.dumps([asdict(r) for r in results]))
        return
    for r in results:
        print(
            f"{r.mode:24} threads={r.threads:2} txs={r.txs:5} {r.seconds:7.2f}s {r.tx_per_s:8.1f} tx/s"
        )


if __name__ == "__main__":
    main()
