"""Wall time of one league round: 64 agents x 8 snake 20x20 matches, with 1 and 2 workers.

Measures node.league.run_round (every match, its trace root, the summaries and each agent's
claim root); the verifier's replay comes later. The agents cycle through the three snake
agents of scenarios/agents/snake/ (greedy_v1, simple_v0, nets_guest_v0).

    .venv/bin/python scripts/bench_round.py [--agents 64] [--matches 8] [--workers 1,2]

Then the same round end to end on the memory chain with the largest worker count (register,
stake, open, fix the seed, play, submit every claim, settle); ``--no-chain`` skips it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from pathlib import Path

from node.executor.local import LocalExecutor
from node.league import LeagueDefinition, RoundSpec, resolve_league, run_round
from node.wasm import load_agent_file

ROOT = Path(__file__).resolve().parents[1]
SNAKE_AGENTS = ("greedy_v1.wat", "simple_v0.wat", "nets_guest_v0.wat")


def main() -> None:
    parser = argparse.ArgumentParser(description="Wall time of one league round.")
    parser.add_argument("--agents", type=int, default=64)
    parser.add_argument("--matches", type=int, default=8)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--context", default="forkserver", help="forkserver or spawn")
    parser.add_argument("--no-chain", action="store_true", help="skip the memory-chain round")
    args = parser.parse_args()

    league = resolve_league("snake")
    codes = [
        load_agent_file(ROOT / "scenarios" / "agents" / "snake" / name) for name in SNAKE_AGENTS
    ]
    agents = {
        agent_id: codes[(agent_id - 1) % len(codes)] for agent_id in range(1, args.agents + 1)
    }
    spec = RoundSpec(
        "snake", league.params_bytes, league.fuel_per_decision, args.matches, b"\x5a" * 32
    )
    print(f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    print("| workers | start method | matches | steps | wall s | steps/s wall | load before |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    reference = None
    workers_list = [int(text) for text in args.workers.split(",")]
    for workers in workers_list:
        load = os.getloadavg()[0]
        start = time.perf_counter()
        result = run_round(spec, agents, executor=LocalExecutor(workers, mp_context=args.context))
        wall = time.perf_counter() - start
        steps = sum(record.steps for entry in result.agents for record in entry.matches)
        matches = sum(len(entry.matches) for entry in result.agents)
        print(
            f"| {workers} | {args.context if workers > 1 else '-'} | {matches} | {steps:,} "
            f"| {wall:.1f} | {steps / wall:,.0f} | {load:.1f} |"
        )
        if reference is None:
            reference = result.agents
        elif result.agents != reference:
            raise SystemExit("results differ between worker counts")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if not args.no_chain:
        chain_round(league, codes, args.agents, args.matches, max(workers_list), args.context)


def chain_round(
    league: LeagueDefinition,
    codes: list[bytes],
    count: int,
    matches: int,
    workers: int,
    context: str,
) -> None:
    """The same round end to end on the memory chain: register, stake, open, seed, play, claim,
    settle (node.league.actions with an in-memory database)."""
    from adapters.memory import MemoryChain
    from node.db import open_database
    from node.league import actions

    league = league.model_copy(update={"matches_per_round": matches})
    db, chain = open_database("sqlite://"), MemoryChain()
    marks = [("start", time.perf_counter())]
    league_id = actions.create_league(db, chain, league)
    agents: dict[int, bytes] = {}
    for number in range(count):
        agent_id = chain.register_agent(codes[number % len(codes)])
        chain.stake(agent_id, league.min_stake)
        agents[agent_id] = codes[number % len(codes)]
    round_id = actions.open_round(db, chain, league_id, 1).round_id
    chain.mine(2)
    seed = actions.fix_seed(db, chain, round_id)
    assert seed is not None
    marks.append(("register, stake, open, seed", time.perf_counter()))
    spec = RoundSpec(league.system, league.params_bytes, league.fuel_per_decision, matches, seed)
    result = run_round(spec, agents, executor=LocalExecutor(workers, mp_context=context))
    marks.append((f"play {count * matches} matches ({workers} workers)", time.perf_counter()))
    for entry in result.agents:
        chain.submit_claim(round_id, entry.agent_id, entry.claim_root, entry.scores)
    marks.append((f"submit {count} claims", time.perf_counter()))
    chain.increase_time(league.submission_window + league.challenge_window + 1)
    actions.settle_round(db, chain, round_id)
    marks.append(("settle", time.perf_counter()))
    print()
    print("| memory chain phase | s |")
    print("| --- | ---: |")
    for (_, before), (name, after) in itertools.pairwise(marks):
        print(f"| {name} | {after - before:.2f} |")
    print(f"| total | {marks[-1][1] - marks[0][1]:.2f} |")


if __name__ == "__main__":
    main()
