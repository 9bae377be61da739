"""A league round played end to end by node roles on one chain: the operator creates the
league and opens the round, submitters enroll and claim, verifiers check and dispute, and the
clock is advanced only when every role is idle (so timeouts happen exactly when a party is
silent). Used by `nets demo`, the tests and scripts/bench_league.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from adapters.base import ArenaAdapter
from adapters.keys import anvil_account
from node.db.engine import Database
from node.league import actions
from node.league.definition import LeagueDefinition
from node.roles.common import RoleBase
from node.roles.submitter import AgentPlan, Submitter
from node.roles.verifier import ChallengePolicy, Verifier


class RoundStuck(RuntimeError):
    """No role acts and the clock cannot help: a bug, reported instead of looping forever."""


@dataclass
class Owner:
    """An account (anvil index) running a submitter for its agents."""

    account: int
    plans: list[AgentPlan]


@dataclass
class Challenger:
    """An account running a verifier with a challenge policy."""

    account: int
    policy: ChallengePolicy = field(default_factory=ChallengePolicy)


@dataclass
class PlayedRound:
    league_id: int
    round_id: int
    submitters: list[Submitter]
    verifiers: list[Verifier]
    agents: dict[int, tuple[int, AgentPlan]]
    """agent id -> (owner account index, plan)."""
    steps: int = 0


def start_roles(
    db: Database,
    adapter: ArenaAdapter,
    owners: Sequence[Owner],
    challengers: Sequence[Challenger],
    *,
    adapter_name: str = "memory",
    workers: int = 1,
) -> tuple[list[Submitter], list[Verifier]]:
    submitters = [
        Submitter(
            db,
            adapter.with_signer(anvil_account(o.account)),
            o.plans,
            adapter_name=adapter_name,
            workers=workers,
        )
        for o in owners
    ]
    verifiers = [
        Verifier(
            db,
            adapter.with_signer(anvil_account(c.account)),
            adapter_name=adapter_name,
            workers=workers,
            policy=c.policy,
        )
        for c in challengers
    ]
    return submitters, verifiers


def open_league_round(
    db: Database, adapter: ArenaAdapter, definition: LeagueDefinition, sequence: int = 1
) -> tuple[int, int]:
    """Create the league (once) and open round ``sequence`` as account 0; returns ids."""
    operator = adapter.with_signer(anvil_account(0))
    league_id = actions.create_league(db, operator, definition)
    opened = actions.open_round(db, operator, league_id, sequence)
    return league_id, opened.round_id


def drive(
    adapter: ArenaAdapter,
    roles: Sequence[RoleBase],
    round_id: int,
    *,
    max_steps: int = 10_000,
) -> int:
    """Step every role until the round is settled and its disputes have ended (a dispute holds
    back only its own claim, so a round may settle first); returns the number of passes.

    Time moves only when no role acted in a whole pass: to the seed block (mining), past a
    move deadline when a dispute is open, else past the submission then challenge deadline.
    """
    for passes in range(1, max_steps + 1):
        info = adapter.round(round_id)
        if info.settled and not info.open_disputes:
            return passes
        acted = sum(role.step() for role in roles)
        if acted:
            continue
        info = adapter.round(round_id)
        if info.settled and not info.open_disputes:
            return passes
        now = adapter.block_time()
        if not info.seed_fixed and adapter.block_number() <= info.seed_block:
            adapter.mine(info.seed_block + 1 - adapter.block_number())
        elif info.open_disputes:
            league = adapter.league(info.league_id)
            adapter.increase_time(league.move_window + 1)
        elif now <= info.submit_deadline:
            adapter.increase_time(info.submit_deadline - now + 1)
        elif now <= info.challenge_deadline:
            adapter.increase_time(info.challenge_deadline - now + 1)
        else:
            raise RoundStuck(f"round {round_id}: no role acts and every deadline has passed")
    raise RoundStuck(f"round {round_id} not settled after {max_steps} passes")


def play_round(
    db: Database,
    adapter: ArenaAdapter,
    definition: LeagueDefinition,
    owners: Sequence[Owner],
    challengers: Sequence[Challenger],
    *,
    adapter_name: str = "memory",
    workers: int = 1,
) -> PlayedRound:
    """Enroll every owner's agents, open a round and drive it to settlement."""
    submitters, verifiers = start_roles(
        db, adapter, owners, challengers, adapter_name=adapter_name, workers=workers
    )
    agents: dict[int, tuple[int, AgentPlan]] = {}
    for owner, submitter in zip(owners, submitters, strict=True):
        for agent_id, plan in submitter.enroll().items():
            agents[agent_id] = (owner.account, plan)
    league_id, round_id = open_league_round(db, adapter, definition)
    steps = drive(adapter, [*submitters, *verifiers], round_id)
    return PlayedRound(league_id, round_id, submitters, verifiers, agents, steps)
