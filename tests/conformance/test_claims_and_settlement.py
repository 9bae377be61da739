"""Claims, settlement and rewards on both adapters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.arena_ops import ETHER, RANKED, ClaimOpening, claim_id_of, settle_batch_size
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from tests.conformance.harness import (
    AGENT_CODE,
    WINDOW,
    account,
    league_config,
    setup_round,
)


def test_claim_checks(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    creator = chain.with_signer(account(0))
    owner = chain.with_signer(account(1))
    agent_id = owner.register_agent(AGENT_CODE)
    league_id = creator.create_league(league_config(chain), ETHER)
    round_id = creator.open_round(league_id)
    root = b"\x11" * 32
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(round_id, agent_id, root, [1, 2])
    assert caught.value == ChainError("SeedNotFixed", (round_id,))
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(round_id + 1, agent_id, root, [1, 2])
    assert caught.value == ChainError("UnknownRound", (round_id + 1,))
    chain.mine(1)
    creator.fix_seed(round_id)
    with pytest.raises(ChainError) as caught:
        creator.submit_claim(round_id, agent_id, root, [1, 2])
    assert caught.value == ChainError("NotAgentOwner", (agent_id, creator.address))
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(round_id, agent_id, root, [1, 2])
    assert caught.value == ChainError("StakeBelowMinimum", (0, ETHER))
    owner.stake(agent_id, ETHER)
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(round_id, agent_id, root, [1, 2, 3])
    assert caught.value == ChainError("WrongScoreCount", (3, 2))

    late_agent = owner.register_agent(AGENT_CODE)  # registered after the seed block
    owner.stake(late_agent, ETHER)
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(round_id, late_agent, root, [1, 2])
    assert caught.value == ChainError("AgentTooNew", (late_agent, chain.round(round_id).seed_block))

    claim_id = owner.submit_claim(round_id, agent_id, root, [5, -7])
    assert claim_id == claim_id_of(round_id, agent_id)
    assert chain.claim_commit(claim_id) != bytes(32)
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(round_id, agent_id, root, [1, 2])
    assert caught.value == ChainError("ClaimExists", (claim_id,))
    with pytest.raises(ChainError) as caught:
        owner.request_unstake(agent_id, 1)
    assert caught.value == ChainError("StakeLocked", (agent_id, ETHER))
    assert chain.agent(agent_id).locked == ETHER

    second = creator.open_round(league_id)
    chain.mine(1)
    creator.fix_seed(second)
    chain.increase_time(WINDOW + 10)
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(second, agent_id, root, [1, 2])
    assert caught.value == ChainError("SubmissionClosed", (chain.round(second).submit_deadline,))
    record()


def test_settlement_and_rewards(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    s = setup_round(chain)
    # Fixed claims (nobody disputes them): the ranking is the same on both adapters.
    postings = [(s.agents[0], b"\x0a" * 32, (3, -1)), (s.agents[1], b"\x0b" * 32, (1, 4))]
    for owner, (agent_id, root, scores) in zip(s.owners, postings, strict=True):
        owner.submit_claim(s.round_id, agent_id, root, scores)
    openings = [ClaimOpening(a, r, sc) for a, r, sc in reversed(postings)]  # totals 5, then 2

    with pytest.raises(ChainError) as caught:
        chain.settle_round(s.round_id, openings)
    assert caught.value == ChainError(
        "ChallengeWindowOpen", (chain.round(s.round_id).challenge_deadline,)
    )
    chain.increase_time(2 * WINDOW + 10)
    with pytest.raises(ChainError) as caught:
        chain.settle_round(s.round_id, [])
    assert caught.value == ChainError("IncompleteRanking", (0, 2))
    forged = ClaimOpening(openings[1].agent_id, openings[1].claim_root, (10**6, 0))
    with pytest.raises(ChainError) as caught:
        chain.settle_round(s.round_id, [openings[0], forged])
    assert caught.value == ChainError("BadClaimOpening", (1,))
    with pytest.raises(ChainError) as caught:
        chain.settle_round(s.round_id, [openings[0], openings[0]])
    assert caught.value == ChainError("ClaimAlreadyRanked", (1,))
    # Batches in any order (revision 3): the lower total first, from another caller.
    s.challenger.settle_round(s.round_id, [openings[1]])
    assert chain.claim_commit(claim_id_of(s.round_id, openings[1].agent_id)) == RANKED
    assert chain.agent(openings[1].agent_id).locked == 0  # free before the round settles
    assert not chain.round(s.round_id).settled
    assert chain.round(s.round_id).ranked_claims == 1
    with pytest.raises(ChainError) as caught:
        chain.settle_round(s.round_id, openings)
    assert caught.value == ChainError("ClaimAlreadyRanked", (1,))
    chain.settle_round(s.round_id, openings[:1])
    first, second = (chain.agent(o.agent_id).owner for o in openings)
    assert chain.balance_of(first) == 6 * ETHER  # 3 ETH x multiplier 2
    assert chain.balance_of(second) == 2 * ETHER
    assert chain.league(s.league_id).reward_pool == 2 * ETHER
    assert chain.round(s.round_id).settled
    with pytest.raises(ChainError) as caught:
        chain.settle_round(s.round_id, openings)
    assert caught.value == ChainError("RoundAlreadySettled", (s.round_id,))
    # Stake is free again once the round is settled.
    s.owners[0].request_unstake(s.agents[0], ETHER)
    for owner in s.owners:
        owner.withdraw(chain.balance_of(owner.address))
    assert chain.eth_balance(chain.addresses.arena) == 2 * ETHER + 4 * ETHER
    record()


def test_no_entrant_cap_and_any_caller_settles_in_batches(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    """Revision 2 capped a 1,024-match round at 11 claims (RoundFull): one owner's 13 claims and a
    latecomer's all enter, and three callers settle them in batches of settle_batch_size."""
    creator = chain.with_signer(account(0))
    squatter = chain.with_signer(account(1))
    latecomer = chain.with_signer(account(2))
    matches = 1_024
    agents = []
    for _ in range(13):
        agent_id = squatter.register_agent(AGENT_CODE)
        squatter.stake(agent_id, ETHER)
        agents.append(agent_id)
    late = latecomer.register_agent(AGENT_CODE)
    latecomer.stake(late, ETHER)
    league_id = creator.create_league(league_config(chain, matches_per_round=matches), 10 * ETHER)
    round_id = creator.open_round(league_id)
    chain.mine(1)
    creator.fix_seed(round_id)
    openings = []
    for agent_id in agents:
        opening = ClaimOpening(agent_id, bytes([agent_id]) * 32, (1,) * matches)
        squatter.submit_claim(round_id, agent_id, opening.claim_root, opening.scores)
        openings.append(opening)
    best = ClaimOpening(late, b"\x77" * 32, (2,) * matches)
    latecomer.submit_claim(round_id, late, best.claim_root, best.scores)
    openings.append(best)
    assert chain.round(round_id).live_claims == 14
    chain.increase_time(2 * WINDOW + 10)
    size = settle_batch_size(matches)
    assert size == 3  # 128 KiB of calldata
    batches = [openings[i : i + size] for i in range(0, len(openings), size)]
    callers = [creator, squatter, latecomer]
    for n, batch in enumerate(reversed(batches)):
        assert not chain.round(round_id).settled
        callers[n % 3].settle_round(round_id, batch)
    info = chain.round(round_id)
    assert info.settled
    assert info.ranked_claims == 14
    assert chain.balance_of(latecomer.address) == 6 * ETHER  # rank 0
    assert chain.balance_of(squatter.address) == 2 * ETHER  # rank 1: its lowest agent id
    assert all(chain.agent(a).locked == 0 for a in [*agents, late])
    record()
