"""Wall time of a league round run, claimed and fully verified on the memory chain:
64 agents x 8 snake 20x20 matches (the `snake` league), with 1 and 2 workers.

One submitter (64 agents, the three snake agents of scenarios/agents/snake/ in turn) and one
honest verifier, driven by node.roles.scenario until the round is settled: register, stake,
open, fix the seed, play every match, submit every claim, replay every claim, settle. Every
match is played twice (once by the submitter, once by the verifier).

    .venv/bin/python scripts/bench_league.py [--agents 64] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import os
import time

from adapters.memory import MemoryChain
from adapters.toolchain import PROJECT_ROOT
from node.db.engine import open_database
from node.league.catalog import resolve_league
from node.roles.scenario import Challenger, Owner, play_round
from node.roles.submitter import AgentPlan
from node.wasm import load_agent_file

SNAKE_AGENTS = ("greedy_v1.wat", "simple_v0.wat", "nets_guest_v0.wat")


def one_round(agents: int, workers: int) -> tuple[float, int, int]:
    league = resolve_league("snake")
    codes = [load_agent_file(PROJECT_ROOT / "scenarios/agents/snake" / n) for n in SNAKE_AGENTS]
    plans = [AgentPlan(codes[i % len(codes)], league.min_stake) for i in range(agents)]
    chain = MemoryChain()
    started = time.perf_counter()
    played = play_round(
        open_database("sqlite://"),
        chain,
        league,
        [Owner(1, plans)],
        [Challenger(6)],
        workers=workers,
    )
    wall = time.perf_counter() - started
    report = played.verifiers[0].report()
    assert chain.round(played.round_id).settled
    assert len(report.verified) == agents
    assert all(check.ok for check in report.verified)
    return wall, len(report.verified), len(report.challenged)


def main() -> None:
    parser = argparse.ArgumentParser(description="League round wall time on the memory chain.")
    parser.add_argument("--agents", type=int, default=64)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    print(f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    print("| workers | agents | matches | claims verified | challenged | wall s | load before |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for workers in (int(w) for w in args.workers.split(",")):
        load = os.getloadavg()[0]
        wall, verified, challenged = one_round(args.agents, workers)
        print(
            f"| {workers} | {args.agents} | {args.agents * 8} | {verified} | {challenged} "
            f"| {wall:.1f} | {load:.1f} |"
        )


if __name__ == "__main__":
    main()
