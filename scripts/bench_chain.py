"""Chain adapter figures: MemoryChain operations/s, anvil transactions/s, seconds per dispute.

    .venv/bin/python scripts/bench_chain.py [--ops N] [--anvil-ops N] [--no-anvil | --anvil-only]
        [--json]

- memory ops/s: stake + requestUnstake pairs by one owner, each a full transaction (checks,
  one block, one event), and view calls (agent()) separately;
- anvil tx/s: the same stake transactions through Web3Chain (estimate, sign, send, receipt)
  on a fresh anvil with the Arena set deployed, and this process's CPU milliseconds per
  transaction (the client's own cost, which other load on a shared machine moves far less
  than the wall-clock rate);
- seconds per full dispute (bisection to a one-step proof on snake 64x64, 8 steps) on both.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from adapters.arena_ops import ETHER, Phase
from adapters.base import ArenaAdapter
from adapters.memory import MemoryChain
from tests.conformance.harness import (
    AGENT_CODE,
    account,
    build_claim,
    play_dispute,
    setup_round,
)


def memory_ops(n: int) -> dict[str, float]:
    chain = MemoryChain().with_signer(account(1))
    agent_id = chain.register_agent(AGENT_CODE)
    start = time.perf_counter()
    for _ in range(n // 2):
        chain.stake(agent_id, 2)
        chain.request_unstake(agent_id, 1)
    tx_rate = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(n):
        chain.agent(agent_id)
    view_rate = n / (time.perf_counter() - start)
    return {"memory_tx_per_s": tx_rate, "memory_views_per_s": view_rate}


def dispute_seconds(chain: ArenaAdapter) -> float:
    s = setup_round(chain)
    cheat = build_claim(chain, s.round_id, s.agents[0], doctor_step=3)
    s.owners[0].submit_claim(cheat.round_id, cheat.agent_id, cheat.root, cheat.scores)
    start = time.perf_counter()
    dispute_id = s.challenger.challenge(cheat.claim_id, 0, ETHER // 5)
    play_dispute(s.owners[0], s.challenger, cheat, dispute_id)
    elapsed = time.perf_counter() - start
    assert chain.dispute(dispute_id).phase == Phase.RESOLVED
    return elapsed


def anvil_figures(n: int) -> dict[str, float]:
    from adapters.anvil import Anvil
    from adapters.select import deploy_arena
    from adapters.web3chain import Web3Chain

    with Anvil() as node:
        chain = Web3Chain(node.url, account(0))
        deploy_arena(chain)
        owner = chain.with_signer(account(1))
        agent_id = owner.register_agent(AGENT_CODE)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            owner.stake(agent_id, 1)
        tx_rate = n / (time.perf_counter() - start)
        cpu_ms = (time.process_time() - cpu) / n * 1000
        seconds = dispute_seconds(chain)
    return {
        "anvil_tx_per_s": tx_rate,
        "anvil_client_cpu_ms_per_tx": cpu_ms,
        "anvil_dispute_s": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="MemoryChain and anvil figures")
    parser.add_argument("--ops", type=int, default=200_000)
    parser.add_argument("--anvil-ops", type=int, default=300)
    parser.add_argument("--no-anvil", action="store_true")
    parser.add_argument("--anvil-only", action="store_true", help="skip the MemoryChain figures")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    if not args.anvil_only:
        figures.update(memory_ops(args.ops))
        figures["memory_dispute_s"] = dispute_seconds(MemoryChain())
    if not args.no_anvil:
        figures.update(anvil_figures(args.anvil_ops))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:22} {value:,.3f}")


if __name__ == "__main__":
    main()
