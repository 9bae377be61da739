"""How many chain views the roles of one driven round read, with and without the per-step
reuse of node/roles/views.py (a count, steadier than a timing on a shared machine).

    python scripts/bench_role_reads.py [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

from adapters.memory import MemoryChain
from node.db.engine import open_database
from node.league import resolve_league
from node.roles import views
from node.roles.scenario import Challenger, Owner, drive, open_league_round, start_roles
from node.roles.submitter import AgentPlan
from node.wasm import load_agent_file

REPO = Path(__file__).resolve().parents[1]
GREEDY = load_agent_file(REPO / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
SIMPLE = load_agent_file(REPO / "scenarios" / "agents" / "snake" / "simple_v0.wat")
STAKE = resolve_league("demo").min_stake


def reads_in_a_round() -> int:
    """Two owners and a challenger play one demo round to its settlement on the memory chain."""
    chain = MemoryChain()
    db = open_database("sqlite://")
    owners = [Owner(1, [AgentPlan(GREEDY, STAKE)]), Owner(2, [AgentPlan(SIMPLE, STAKE)])]
    submitters, verifiers = start_roles(db, chain, owners, [Challenger(6)])
    for submitter in submitters:
        submitter.enroll()
    _, round_id = open_league_round(db, chain, resolve_league("demo"))
    drive(chain, [*submitters, *verifiers], round_id)
    assert chain.round(round_id).settled
    return sum(role.views.reads for role in [*submitters, *verifiers])


@contextlib.contextmanager
def nothing_kept(_views: views.StepViews) -> Iterator[None]:
    yield


def main() -> None:
    parser = argparse.ArgumentParser(description="Chain reads of one driven round.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    kept = reads_in_a_round()
    with mock.patch.object(views.StepViews, "step", nothing_kept):
        every = reads_in_a_round()
    if args.json:
        print(json.dumps({"reads_each_time": every, "reads_once_per_step": kept}))
    else:
        print(f"chain reads in one driven round: {every} -> {kept} ({kept / every:.2f})")


if __name__ == "__main__":
    main()
