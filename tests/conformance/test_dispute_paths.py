"""Every timeout path and every dispute error an account can provoke, on both adapters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.arena_ops import ETHER, Entry, Phase, Reason, Summary
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from node.merkle import merkle_root
from tests.conformance.harness import (
    MOVE_WINDOW,
    OTHER_CODE,
    SNAKE,
    WINDOW,
    Claim,
    Setup,
    build_claim,
    setup_round,
)

BOND = ETHER // 5


def _posted(chain: ArenaAdapter, **doctor: Any) -> tuple[Setup, Claim]:
    s = setup_round(chain)
    claim = build_claim(chain, s.round_id, s.agents[0], **doctor)
    s.owners[0].submit_claim(claim.round_id, claim.agent_id, claim.root, claim.scores)
    return s, claim


def _reasons(record: Callable[[], Any]) -> list[int]:
    return [e[4]["reason"] for e in record()["events"] if e[3] == "DisputeResolved"]


def test_timeouts(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    s, claim = _posted(chain)
    owner, challenger = s.owners[0], s.challenger
    d_final = challenger.challenge(claim.claim_id, 0, BOND)  # claimant stalls at AwaitFinal
    d_mid = challenger.challenge(claim.claim_id, 0, BOND)  # claimant stalls at AwaitMid
    d_answer = challenger.challenge(claim.claim_id, 1, BOND)  # challenger stalls at AwaitAnswer
    d_step = challenger.challenge(claim.claim_id, 0, BOND)  # challenger stalls at AwaitOneStep
    for d, match in ((d_final, 0), (d_mid, 0), (d_answer, 1), (d_step, 0)):
        owner.reveal_summary(
            d, claim.root, claim.scores, claim.summaries[match], claim.summary_proof(match)
        )
    for d, match in ((d_mid, 0), (d_answer, 1), (d_step, 0)):
        last = claim.summaries[match].steps - 1
        owner.reveal_final(d, claim.entry(match, last), claim.entry_proof(match, last))
    mid = chain.midpoint(d_answer)
    owner.reveal_midpoint(d_answer, claim.entry(1, mid), claim.entry_proof(1, mid))
    while chain.dispute(d_step).phase != Phase.AWAIT_ONE_STEP:
        mid = chain.midpoint(d_step)
        owner.reveal_midpoint(d_step, claim.entry(0, mid), claim.entry_proof(0, mid))
        challenger.answer(d_step, False)
    with pytest.raises(ChainError) as caught:
        challenger.timeout(d_step)
    assert caught.value == ChainError("DeadlineNotPassed", (chain.dispute(d_step).deadline,))
    chain.increase_time(MOVE_WINDOW + 5)
    with pytest.raises(ChainError) as caught:
        challenger.answer(d_answer, True)
    assert caught.value == ChainError("MoveTooLate", (chain.dispute(d_answer).deadline,))
    for d in (d_answer, d_step, d_final, d_mid):
        chain.timeout(d)  # anyone may call it
    assert _reasons(record) == [
        Reason.CHALLENGER_TIMEOUT,
        Reason.CHALLENGER_TIMEOUT,
        Reason.CLAIMANT_TIMEOUT,
        Reason.CLAIMANT_TIMEOUT,
    ]
    # Slashed once although it lost two disputes; the second winner gets its bond back.
    assert chain.agent(s.agents[0]).stake == 2 * ETHER - ETHER // 2
    assert chain.balance_of(challenger.address) == 2 * BOND + ETHER // 4
    assert chain.balance_of(owner.address) == 2 * BOND


def test_challenge_and_move_errors(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    s, claim = _posted(chain)
    owner, challenger = s.owners[0], s.challenger
    with pytest.raises(ChainError) as caught:
        challenger.challenge(claim.claim_id, 0, BOND + 1)
    assert caught.value == ChainError("WrongBond", (BOND + 1, BOND))
    with pytest.raises(ChainError) as caught:
        challenger.challenge(claim.claim_id, 2, BOND)
    assert caught.value == ChainError("BadMatchIndex", (2, 2))
    with pytest.raises(ChainError) as caught:
        challenger.challenge(claim.claim_id + 1, 0, BOND)
    assert caught.value == ChainError("ClaimNotLive", (claim.claim_id + 1,))
    with pytest.raises(ChainError) as caught:
        challenger.timeout(42)
    assert caught.value == ChainError("UnknownDispute", (42,))

    d = challenger.challenge(claim.claim_id, 0, BOND)
    with pytest.raises(ChainError) as caught:
        challenger.reveal_summary(d, claim.root, claim.scores, claim.summaries[0], [])
    assert caught.value == ChainError("NotClaimant", (challenger.address,))
    with pytest.raises(ChainError) as caught:
        owner.reveal_final(d, claim.entry(0, 0), [])
    assert caught.value == ChainError("WrongPhase", (Phase.AWAIT_FINAL, Phase.AWAIT_SUMMARY))
    with pytest.raises(ChainError) as caught:
        owner.reveal_summary(d, claim.root, [1, 2], claim.summaries[0], claim.summary_proof(0))
    assert caught.value == ChainError("BadClaimOpening")
    with pytest.raises(ChainError) as caught:
        owner.reveal_summary(
            d, claim.root, claim.scores, claim.summaries[0], claim.summary_proof(1)
        )
    assert caught.value == ChainError("BadProof")
    owner.reveal_summary(d, claim.root, claim.scores, claim.summaries[0], claim.summary_proof(0))
    last = claim.summaries[0].steps - 1
    with pytest.raises(ChainError) as caught:
        owner.reveal_final(d, claim.entry(0, last - 1), claim.entry_proof(0, last))
    assert caught.value == ChainError("BadProof")
    owner.reveal_final(d, claim.entry(0, last), claim.entry_proof(0, last))
    with pytest.raises(ChainError) as caught:
        owner.answer(d, True)
    assert caught.value == ChainError("WrongPhase", (Phase.AWAIT_ANSWER, Phase.AWAIT_MID))
    while chain.dispute(d).phase != Phase.AWAIT_ONE_STEP:
        mid = chain.midpoint(d)
        owner.reveal_midpoint(d, claim.entry(0, mid), claim.entry_proof(0, mid))
        with pytest.raises(ChainError) as caught:
            owner.answer(d, False)
        assert caught.value == ChainError("NotChallenger", (owner.address,))
        challenger.answer(d, False)
    info = chain.dispute(d)
    assert (info.lo, info.hi) == (-1, 0)
    honest = claim.matches[0]
    assert honest.states is not None
    pre = SNAKE.encode(honest.states[0])
    with pytest.raises(ChainError) as caught:
        challenger.prove_step(
            d, Entry(b"\x00" * 32, 0, 0, b"\x00" * 32), claim.entry(0, 1), pre, b""
        )
    assert caught.value == ChainError("BadEntry")
    with pytest.raises(ChainError) as caught:
        challenger.prove_step(d, claim.entry(0, 0), claim.entry(0, 0), pre + b"\x00", b"")
    assert caught.value == ChainError("PreimageMismatch")
    with pytest.raises(ChainError) as caught:
        challenger.prove_step(d, claim.entry(0, 0), claim.entry(0, 0), pre, OTHER_CODE)
    assert caught.value == ChainError("CodeMismatch")
    chain.increase_time(MOVE_WINDOW + 5)
    chain.timeout(d)
    with pytest.raises(ChainError) as caught:
        chain.timeout(d)
    assert caught.value == ChainError("DisputeOver", (d,))
    chain.increase_time(2 * WINDOW)
    with pytest.raises(ChainError) as caught:
        challenger.challenge(claim.claim_id, 0, BOND)
    assert caught.value == ChainError(
        "ChallengeWindowClosed", (chain.round(s.round_id).challenge_deadline,)
    )
    record()


@pytest.mark.parametrize("flaw", ["seed", "score", "steps"])
def test_summary_flaws_lose_at_once(
    chain: ArenaAdapter, record: Callable[[], Any], flaw: str
) -> None:
    s = setup_round(chain)
    honest = build_claim(chain, s.round_id, s.agents[1])
    real = honest.summaries[0]
    summary = {
        "seed": Summary(b"\x01" * 32, real.trace_root, real.steps, real.score),
        "score": real,
        "steps": Summary(real.match_seed, real.trace_root, 0, real.score),
    }[flaw]
    summaries = [summary, honest.summaries[1]]
    scores = [real.score + (3 if flaw == "score" else 0), honest.scores[1]]
    claim = Claim(s.round_id, s.agents[1], honest.matches, honest.entries, summaries, scores)
    claim.root = merkle_root([x.packed(i) for i, x in enumerate(summaries)])
    s.owners[1].submit_claim(s.round_id, s.agents[1], claim.root, scores)
    d = s.challenger.challenge(claim.claim_id, 0, BOND)
    d_other = s.challenger.challenge(claim.claim_id, 1, BOND)
    with pytest.raises(ChainError) as caught:
        chain.dismiss(d_other)
    assert caught.value == ChainError("ClaimNotVoided", (claim.claim_id,))
    s.owners[1].reveal_summary(d, claim.root, scores, summary, claim.summary_proof(0))
    assert chain.dispute(d).phase == Phase.RESOLVED
    with pytest.raises(ChainError) as caught:
        s.owners[1].reveal_summary(
            d_other, claim.root, scores, summaries[1], claim.summary_proof(1)
        )
    assert caught.value == ChainError("ClaimVoided", (claim.claim_id,))
    chain.dismiss(d_other)
    expected = {
        "seed": Reason.WRONG_SEED,
        "score": Reason.WRONG_SCORE,
        "steps": Reason.BAD_STEP_COUNT,
    }
    assert _reasons(record) == [expected[flaw], Reason.CLAIM_VOIDED_ELSEWHERE]
