"""Full disputes on a real system (snake, 6x6) with a real agent, won by each side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.arena_ops import ETHER, RANKED, VOIDED, Phase, Reason, Verdict
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from tests.conformance.harness import (
    MOVE_WINDOW,
    SNAKE,
    WINDOW,
    Claim,
    Setup,
    build_claim,
    play_dispute,
    setup_round,
)

BOND = ETHER // 5
SLASH = ETHER // 2


def _resolution(chain: ArenaAdapter, record: Callable[[], Any]) -> dict[str, Any]:
    result = record()
    (resolved,) = [e for e in result["events"] if e[3] == "DisputeResolved"]
    return resolved[4]


def _disputed_at_the_deadline(chain: ArenaAdapter, *, cheat: bool) -> tuple[Setup, Claim, int]:
    """Two claims; the challenger disputes agent 0's (doctored or honest) claim in the last
    second of the challenge window, and the deadline passes with the dispute open."""
    s = setup_round(chain)
    claim = build_claim(chain, s.round_id, s.agents[0], doctor_step=3 if cheat else None)
    other = build_claim(chain, s.round_id, s.agents[1], score_bonus=-1_000)
    s.owners[0].submit_claim(claim.round_id, claim.agent_id, claim.root, claim.scores)
    s.owners[1].submit_claim(other.round_id, other.agent_id, other.root, other.scores)
    chain.increase_time(2 * WINDOW - 5)
    dispute_id = s.challenger.challenge(claim.claim_id, 0, BOND)
    chain.increase_time(10)
    # One dispute holds back only its own claim (revision 3): the round settles around it.
    s.owners[1].settle_round(s.round_id, [other.opening(), claim.opening()])
    assert chain.round(s.round_id).settled
    assert chain.balance_of(s.owners[1].address) == 2 * ETHER  # rank 1, paid at once
    assert chain.agent(s.agents[1]).locked == 0
    assert chain.is_held(claim.claim_id)
    assert chain.held_reward(claim.claim_id) == 6 * ETHER
    assert chain.agent(s.agents[0]).locked == ETHER
    assert chain.balance_of(s.owners[0].address) == 0
    return s, claim, dispute_id


def test_a_held_claim_convicted_by_timeout_forfeits_its_reward(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    s, cheat, dispute_id = _disputed_at_the_deadline(chain, cheat=True)
    pool = chain.league(s.league_id).reward_pool
    chain.increase_time(MOVE_WINDOW + 10)
    with pytest.raises(ChainError) as caught:
        s.owners[0].reveal_summary(dispute_id, cheat.root, cheat.scores, cheat.summaries[0], [])
    assert caught.value.name == "MoveTooLate"
    s.challenger.timeout(dispute_id)
    assert chain.balance_of(s.challenger.address) == BOND + SLASH // 2
    assert chain.league(s.league_id).reward_pool == pool + 6 * ETHER + SLASH // 2
    assert not chain.is_held(cheat.claim_id)
    assert chain.held_reward(cheat.claim_id) == 0
    assert chain.claim_commit(cheat.claim_id) == VOIDED
    assert chain.agent(s.agents[0]).locked == 0
    record()


def test_a_held_claim_acquitted_is_paid_with_the_liars_bond(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    s, honest, dispute_id = _disputed_at_the_deadline(chain, cheat=False)
    play_dispute(s.owners[0], s.challenger, honest, dispute_id, challenger_lies=True)
    assert chain.dispute(dispute_id).phase == Phase.RESOLVED
    assert chain.balance_of(s.owners[0].address) == 6 * ETHER + BOND
    assert not chain.is_held(honest.claim_id)
    assert chain.claim_commit(honest.claim_id) == RANKED
    assert chain.agent(s.agents[0]).locked == 0
    record()


def test_one_step_proof_convicts_a_doctored_step(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    s = setup_round(chain)
    cheat = build_claim(chain, s.round_id, s.agents[0], doctor_step=3)
    s.owners[0].submit_claim(cheat.round_id, cheat.agent_id, cheat.root, cheat.scores)
    pool = chain.league(s.league_id).reward_pool
    dispute_id = s.challenger.challenge(cheat.claim_id, 0, BOND)
    play_dispute(s.owners[0], s.challenger, cheat, dispute_id)
    info = chain.dispute(dispute_id)
    assert (info.phase, info.lo, info.hi) == (Phase.RESOLVED, 2, 3)
    assert chain.claim_commit(cheat.claim_id) == VOIDED
    assert chain.is_disqualified(s.agents[0], s.league_id)
    assert chain.agent(s.agents[0]).stake == 2 * ETHER - SLASH
    assert chain.balance_of(s.challenger.address) == BOND + SLASH // 2
    assert chain.league(s.league_id).reward_pool == pool + SLASH // 2
    resolved = _resolution(chain, record)
    assert (resolved["verdict"], resolved["reason"]) == (
        Verdict.CLAIMANT_LOST,
        Reason.STEP_MISMATCH,
    )
    # A disqualified agent cannot claim in the league again.
    again = s.creator.open_round(s.league_id)
    chain.mine(1)
    s.creator.fix_seed(again)
    with pytest.raises(ChainError) as caught:
        s.owners[0].submit_claim(again, s.agents[0], cheat.root, cheat.scores)
    assert caught.value == ChainError("Disqualified", (s.agents[0], s.league_id))


def test_honest_claimant_wins_against_a_lying_challenger(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    s = setup_round(chain)
    claim = build_claim(chain, s.round_id, s.agents[0])
    s.owners[0].submit_claim(claim.round_id, claim.agent_id, claim.root, claim.scores)
    dispute_id = s.challenger.challenge(claim.claim_id, 0, BOND)
    play_dispute(s.owners[0], s.challenger, claim, dispute_id, challenger_lies=True)
    info = chain.dispute(dispute_id)
    assert (info.phase, info.lo, info.hi) == (Phase.RESOLVED, -1, 0)
    assert chain.balance_of(s.owners[0].address) == BOND
    assert chain.claim_commit(claim.claim_id) not in (VOIDED, bytes(32))
    assert chain.agent(s.agents[0]).stake == 2 * ETHER
    resolved = _resolution(chain, record)
    assert (resolved["verdict"], resolved["reason"]) == (
        Verdict.CHALLENGER_LOST,
        Reason.STEP_VALID,
    )


def test_final_state_fraud(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    s = setup_round(chain)
    claim = build_claim(chain, s.round_id, s.agents[0], score_bonus=5)
    honest = build_claim(chain, s.round_id, s.agents[1])
    s.owners[0].submit_claim(claim.round_id, claim.agent_id, claim.root, claim.scores)
    s.owners[1].submit_claim(honest.round_id, honest.agent_id, honest.root, honest.scores)
    owner = s.owners[0]
    d1 = s.challenger.challenge(claim.claim_id, 0, BOND)
    d2 = s.challenger.challenge(honest.claim_id, 1, BOND)
    with pytest.raises(ChainError) as caught:
        s.challenger.prove_final_state_fraud(d1, b"")
    assert caught.value == ChainError("FinalNotRevealed")
    owner.reveal_summary(d1, claim.root, claim.scores, claim.summaries[0], claim.summary_proof(0))
    last = claim.summaries[0].steps - 1
    owner.reveal_final(d1, claim.entry(0, last), claim.entry_proof(0, last))
    final_state = SNAKE.encode(claim.matches[0].final_state)
    with pytest.raises(ChainError) as caught:
        owner.prove_final_state_fraud(d1, final_state)
    assert caught.value == ChainError("NotChallenger", (owner.address,))
    with pytest.raises(ChainError) as caught:
        s.challenger.prove_final_state_fraud(d1, final_state + b"\x00")
    assert caught.value == ChainError("PreimageMismatch")
    s.challenger.prove_final_state_fraud(d1, final_state)
    assert chain.dispute(d1).phase == Phase.RESOLVED

    # The honest claim's final state is consistent: NoFraud.
    other = s.owners[1]
    other.reveal_summary(
        d2, honest.root, honest.scores, honest.summaries[1], honest.summary_proof(1)
    )
    last = honest.summaries[1].steps - 1
    other.reveal_final(d2, honest.entry(1, last), honest.entry_proof(1, last))
    with pytest.raises(ChainError) as caught:
        s.challenger.prove_final_state_fraud(d2, SNAKE.encode(honest.matches[1].final_state))
    assert caught.value == ChainError("NoFraud")
    resolved = _resolution(chain, record)
    assert resolved["reason"] == Reason.FINAL_SCORE_MISMATCH


@pytest.mark.parametrize(
    ("flaw", "reason"),
    [
        ({"doctor_step": 3, "break_chain": True}, Reason.BROKEN_CHAIN),
        ({"extend": True}, Reason.STEP_FROM_TERMINAL),
        ({"truncate": 5}, Reason.FINAL_NOT_TERMINAL),
    ],
)
def test_every_way_a_cheat_is_caught(
    chain: ArenaAdapter, record: Callable[[], Any], flaw: dict[str, Any], reason: Reason
) -> None:
    s = setup_round(chain)
    cheat = build_claim(chain, s.round_id, s.agents[0], **flaw)
    s.owners[0].submit_claim(cheat.round_id, cheat.agent_id, cheat.root, cheat.scores)
    dispute_id = s.challenger.challenge(cheat.claim_id, 0, BOND)
    if reason == Reason.FINAL_NOT_TERMINAL:
        owner = s.owners[0]
        summary = cheat.summaries[0]
        owner.reveal_summary(dispute_id, cheat.root, cheat.scores, summary, cheat.summary_proof(0))
        last = summary.steps - 1
        owner.reveal_final(dispute_id, cheat.entry(0, last), cheat.entry_proof(0, last))
        states = cheat.matches[0].states
        assert states is not None
        s.challenger.prove_final_state_fraud(dispute_id, SNAKE.encode(states[summary.steps]))
    else:
        play_dispute(s.owners[0], s.challenger, cheat, dispute_id)
    assert chain.claim_commit(cheat.claim_id) == VOIDED
    resolved = _resolution(chain, record)
    assert (resolved["verdict"], resolved["reason"]) == (Verdict.CLAIMANT_LOST, reason)
