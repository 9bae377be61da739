"""Wall time of one league round: 64 agents x 8 snake 20x20 matches, with 1 and 2 workers.

Measures node.league.run_round (every match, its trace root, the summaries and each agent's
claim root); the verifier's replay comes later. The agents cycle through the three snake
agents of scenarios/agents/snake/ (greedy_v1, simple_v0, nets_guest_v0).

    .venv/bin/python scripts/bench_round.py [--agents 64] [--matches 8] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from node.league import RoundSpec, resolve_league, run_round
from node.wasm import load_agent_file

ROOT = Path(__file__).resolve().parents[1]
SNAKE_AGENTS = ("greedy_v1.wat", "simple_v0.wat", "nets_guest_v0.wat")


def main() -> None:
    parser = argparse.ArgumentParser(description="Wall time of one league round.")
    parser.add_argument("--agents", type=int, default=64)
    parser.add_argument("--matches", type=int, default=8)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--context", default="forkserver", help="forkserver or spawn")
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
    for workers in (int(text) for text in args.workers.split(",")):
        load = os.getloadavg()[0]
        start = time.perf_counter()
        result = run_round(spec, agents, workers=workers, mp_context=args.context)
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


if __name__ == "__main__":
    main()
