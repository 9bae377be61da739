"""Crash and restart: the submitters and the verifier die at random points (just before a
transaction is sent, or just after it landed but before the outbox marked it done), are
started again from the database alone, and the round ends with exactly the balances of an
uninterrupted run."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from adapters.base import ArenaAdapter
from adapters.keys import Signer, anvil_account
from adapters.memory import MemoryChain
from adapters.select import open_chain
from node.db.engine import open_database
from node.roles.adversary import BorrowedPolicy
from node.roles.scenario import Challenger, Owner, drive, open_league_round, start_roles
from node.roles.submitter import AgentPlan
from tests.roles.agents import DEMO, GREEDY, GUEST, SIMPLE, STAKE

pytestmark = pytest.mark.slow  # whole rounds on real chains: `make test-fast` skips them

SENDS = frozenset(
    {"register_agent", "stake", "submit_claim", "challenge", "reveal_summary", "reveal_final",
     "reveal_midpoint", "answer", "prove_step", "prove_final_state_fraud", "timeout", "dismiss",
     "settle_round", "fix_seed", "create_league", "open_round"}
)  # fmt: skip


class Crash(Exception):
    """The node process died here."""


@dataclass
class CrashPlan:
    """Crash at the n-th transaction counted over all roles: before sending it or after it."""

    points: dict[int, str]
    sent: int = 0
    crashes: list[str] = field(default_factory=list)


class CrashingChain:
    """An ArenaAdapter whose node dies at planned transactions (the chain itself lives on)."""

    def __init__(self, inner: ArenaAdapter, plan: CrashPlan) -> None:
        self._inner = inner
        self._plan = plan

    def with_signer(self, signer: Signer) -> Any:
        return CrashingChain(self._inner.with_signer(signer), self._plan)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in SENDS:
            return attribute

        def send(*args: Any, **kwargs: Any) -> Any:
            self._plan.sent += 1
            where = self._plan.points.pop(self._plan.sent, None)
            if where == "before":
                self._plan.crashes.append(f"before {name}")
                raise Crash(name)
            result = attribute(*args, **kwargs)
            if where == "after":
                self._plan.crashes.append(f"after {name}")
                raise Crash(name)
            return result

        return send


OWNERS = [
    Owner(1, [AgentPlan(GREEDY, STAKE)]),
    Owner(2, [AgentPlan(GUEST, STAKE)]),
    Owner(3, [AgentPlan(SIMPLE, STAKE, BorrowedPolicy(better_code=GREEDY))]),
]


def run(
    tmp_path: Path, points: dict[int, str], chain: ArenaAdapter | None = None
) -> tuple[list[int], CrashPlan]:
    chain = chain or MemoryChain()
    plan = CrashPlan(dict(points))
    crashing = cast(ArenaAdapter, CrashingChain(chain, plan))
    db_url = f"sqlite:///{tmp_path / ('crashing.db' if points else 'clean.db')}"
    round_id = None
    for _ in range(50):
        db = open_database(db_url)  # a restart: every role rebuilt from the database alone
        try:
            submitters, verifiers = start_roles(db, crashing, OWNERS, [Challenger(6)])
            for submitter in submitters:
                submitter.enroll()
            if round_id is None:
                round_id = open_league_round(db, chain, DEMO)[1]
            drive(chain, [*submitters, *verifiers], round_id)
            break
        except Crash:
            continue
        finally:
            db.close()
    else:
        pytest.fail("never finished")
    assert round_id is not None
    assert chain.round(round_id).settled
    league = chain.league(chain.round(round_id).league_id)
    accounts = [chain.balance_of(anvil_account(i).address) for i in (1, 2, 3, 6)]
    stakes = [chain.agent(a).stake for a in (1, 2, 3)]
    return [*accounts, *stakes, league.reward_pool, chain.counts()[3]], plan


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[int], CrashPlan]:
    """The uninterrupted round on the memory chain, played once for every seed: it is the
    same round each time (the memory chain's blocks and seeds are deterministic)."""
    return run(tmp_path_factory.mktemp("uninterrupted"), {})


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_crashes_converge_to_the_uninterrupted_balances(
    tmp_path: Path, seed: int, uninterrupted: tuple[list[int], CrashPlan]
) -> None:
    expected, clean = uninterrupted
    rng = random.Random(seed)
    points = {n: rng.choice(["before", "after"]) for n in rng.sample(range(1, clean.sent), 4)}
    got, plan = run(tmp_path, points)
    assert len(plan.crashes) == 4
    assert got == expected


@pytest.mark.anvil
def test_crashes_on_anvil(tmp_path: Path) -> None:
    """The same on a real devnet (its seeds differ from run to run; the balances do not:
    greedy outscores guest and the cheater is convicted whatever the games)."""
    with open_chain("anvil") as opened:
        expected, clean = run(tmp_path, {}, opened.adapter)
    rng = random.Random(7)
    points = {n: rng.choice(["before", "after"]) for n in rng.sample(range(1, clean.sent), 3)}
    with open_chain("anvil") as opened:
        got, plan = run(tmp_path, points, opened.adapter)
    assert len(plan.crashes) == 3
    assert got == expected
