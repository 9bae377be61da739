"""A full round on the memory chain driven by node roles: honest claims settle, a cheater
that claims a better policy's games as its own is challenged, bisected, convicted by the
one-step proof, slashed and disqualified."""

from __future__ import annotations

from adapters.arena_ops import VOIDED, Reason, Verdict, claim_id_of
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from node.db import repo
from node.db.engine import open_database
from node.roles.adversary import BorrowedPolicy
from node.roles.scenario import Challenger, Owner, play_round
from node.roles.submitter import AgentPlan
from tests.roles.agents import DEMO, GREEDY, GUEST, LOOP, SIMPLE, STAKE

BOND = 100_000
SLASH = 500_000
REWARD = 1000


def test_round_with_a_cheater_and_a_hostile_agent() -> None:
    chain = MemoryChain()
    db = open_database("sqlite://")
    owners = [
        Owner(1, [AgentPlan(GREEDY, STAKE, label="greedy")]),
        Owner(2, [AgentPlan(SIMPLE, STAKE, label="simple")]),
        Owner(3, [AgentPlan(GUEST, STAKE, label="guest")]),
        Owner(4, [AgentPlan(SIMPLE, STAKE, BorrowedPolicy(better_code=GREEDY))]),
        Owner(5, [AgentPlan(LOOP, STAKE, label="infinite loop")]),
    ]
    played = play_round(db, chain, DEMO, owners, [Challenger(6)])
    cheater = 4
    assert chain.round(played.round_id).settled
    assert chain.claim_commit(claim_id_of(played.round_id, cheater)) == VOIDED
    assert chain.is_disqualified(cheater, played.league_id)
    assert chain.agent(cheater).stake == STAKE - SLASH
    verifier = anvil_account(6).address
    assert chain.balance_of(verifier) == BOND + SLASH // 2
    # greedy first, then simple, then guest: 3000, 2000, 1000 times the multiplier.
    paid = [chain.balance_of(anvil_account(i).address) for i in (1, 2, 3, 4, 5)]
    assert paid == [3 * REWARD * 1000, 2 * REWARD * 1000, REWARD * 1000, 0, 0]
    report = played.verifiers[0].report()
    assert (len(report.verified), len(report.mismatched), report.won, report.lost) == (
        4,
        1,
        [1],
        [],
    )
    assert report.unrecoverable == []
    assert repo.open_disputes(db, chain.chain_id) == []
    dispute = repo.get_dispute(db, chain.chain_id, 1)
    assert dispute is not None
    assert (dispute.verdict, dispute.reason) == (Verdict.CLAIMANT_LOST, Reason.STEP_MISMATCH)
    assert [m.kind for m in repo.moves(db, chain.chain_id, 1)][:2] == [
        "reveal_summary",
        "reveal_final",
    ]
