"""A full round driven by node roles, built with the nets plugin's factories: honest claims
settle, a cheater that claims a better policy's games as its own is challenged, bisected,
convicted by the one-step proof, slashed and disqualified."""

from __future__ import annotations

from adapters.arena_ops import VOIDED, Reason, Verdict, claim_id_of
from adapters.keys import Signer
from node.db import repo
from node.roles.adversary import BorrowedPolicy
from node.testing.chains import NetsChain
from node.testing.players import AgentFactory, LeagueFactory, RoundPlayer
from tests.roles.agents import GREEDY, GUEST, LOOP, SIMPLE, STAKE

BOND = 100_000
SLASH = 500_000
REWARD = 1000


def test_round_with_a_cheater_and_a_hostile_agent(
    nets_chain: NetsChain,
    nets_accounts: tuple[Signer, ...],
    nets_league: LeagueFactory,
    nets_agent: AgentFactory,
    nets_round: RoundPlayer,
) -> None:
    league = nets_league("demo")
    nets_agent(GREEDY, owner=1, stake=STAKE, label="greedy")
    nets_agent(SIMPLE, owner=2, stake=STAKE, label="simple")
    nets_agent(GUEST, owner=3, stake=STAKE, label="guest")
    cheater = nets_agent(
        SIMPLE, owner=4, stake=STAKE, strategy=BorrowedPolicy(better_code=GREEDY)
    ).agent_id
    nets_agent(LOOP, owner=5, stake=STAKE, label="infinite loop")
    played = nets_round(league, verifiers=[6])
    chain = nets_chain.adapter
    assert chain.round(played.round_id).settled
    assert chain.claim_commit(claim_id_of(played.round_id, cheater)) == VOIDED
    assert chain.is_disqualified(cheater, played.league_id)
    assert chain.agent(cheater).stake == STAKE - SLASH
    assert chain.balance_of(nets_accounts[6].address) == BOND + SLASH // 2
    # greedy first, then simple, then guest: 3000, 2000, 1000 times the multiplier.
    paid = [chain.balance_of(nets_accounts[i].address) for i in (1, 2, 3, 4, 5)]
    assert paid == [3 * REWARD * 1000, 2 * REWARD * 1000, REWARD * 1000, 0, 0]
    verifier = played.verifiers[0]
    report = verifier.report()
    assert (len(report.verified), len(report.mismatched), report.won, report.lost) == (
        4,
        1,
        [1],
        [],
    )
    assert report.unrecoverable == []
    assert repo.open_disputes(verifier.db, chain.chain_id) == []
    dispute = repo.get_dispute(verifier.db, chain.chain_id, 1)
    assert dispute is not None
    assert (dispute.verdict, dispute.reason) == (Verdict.CLAIMANT_LOST, Reason.STEP_MISMATCH)
    owners_db = played.submitters[0].db  # the claimant's moves are in its node's records
    assert [m.kind for m in repo.moves(owners_db, chain.chain_id, 1)][:2] == [
        "reveal_summary",
        "reveal_final",
    ]
