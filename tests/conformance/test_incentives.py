"""Incentive rules on both adapters: who is paid for a conviction (contracts.md, "Who is paid
for a conviction")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.arena_ops import ETHER
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from adapters.memory.leagues import STALL_PERIOD
from tests.conformance.harness import (
    MOVE_WINDOW,
    account,
    build_claim,
    league_config,
    play_dispute,
    setup_round,
)

BOND = ETHER // 5
SLASH = ETHER // 2


def test_a_self_challenge_opened_later_cannot_take_the_honest_reward(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    """The review's attack: the honest dispute opens first; the cheater opens another from an
    address it controls, stalls the honest one and lets its own convict first. The share still
    goes to the honest challenger, the self-challenger gets its bond back and nothing more."""
    s = setup_round(chain)
    cheater = s.owners[0]
    sock = chain.with_signer(account(4))
    cheat = build_claim(chain, s.round_id, s.agents[0], doctor_step=3)
    cheater.submit_claim(cheat.round_id, cheat.agent_id, cheat.root, cheat.scores)
    honest_id = s.challenger.challenge(cheat.claim_id, 0, BOND)
    sock_id = sock.challenge(cheat.claim_id, 1, BOND)
    assert chain.first_open_dispute(cheat.claim_id) == honest_id
    chain.increase_time(MOVE_WINDOW - 30)
    cheater.reveal_summary(  # keeps the honest dispute alive one more window
        honest_id, cheat.root, cheat.scores, cheat.summaries[0], cheat.summary_proof(0)
    )
    chain.increase_time(60)
    sock.timeout(sock_id)  # the cheater lets its own dispute convict
    assert chain.balance_of(sock.address) == BOND
    assert chain.balance_of(s.challenger.address) == SLASH // 2
    assert chain.first_open_dispute(cheat.claim_id) == honest_id
    chain.dismiss(honest_id)
    assert chain.balance_of(s.challenger.address) == BOND + SLASH // 2
    assert chain.first_open_dispute(cheat.claim_id) == 0
    assert chain.agent(s.agents[0]).stake == 2 * ETHER - SLASH
    record()


def test_the_share_passes_over_a_first_dispute_that_ended(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    """A lying challenger opened first and lost: the next open dispute is paid."""
    s = setup_round(chain)
    owner = s.owners[0]
    liar = chain.with_signer(account(4))
    cheat = build_claim(chain, s.round_id, s.agents[0], doctor_step=3)
    owner.submit_claim(cheat.round_id, cheat.agent_id, cheat.root, cheat.scores)
    liar_id = liar.challenge(cheat.claim_id, 1, BOND)  # match 1 is honest
    honest_id = s.challenger.challenge(cheat.claim_id, 0, BOND)
    play_dispute(owner, liar, cheat, liar_id, match=1, challenger_lies=True)
    assert chain.balance_of(owner.address) == BOND
    assert chain.first_open_dispute(cheat.claim_id) == honest_id
    play_dispute(owner, s.challenger, cheat, honest_id)
    assert chain.balance_of(s.challenger.address) == BOND + SLASH // 2
    record()


def test_each_open_claim_locks_its_own_stake(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    """One stake cannot back two open claims: each claim locks minStake (>= slashAmount) of free
    stake, so every conviction pays its challenger the whole slash share."""
    s = setup_round(chain)  # agents staked 2 ETH, minStake 1 ETH
    owner, agent_id = s.owners[0], s.agents[0]
    rounds = [s.round_id]
    for _ in range(2):
        rounds.append(s.creator.open_round(s.league_id))
        chain.mine(2)
        s.creator.fix_seed(rounds[-1])
    cheats = [build_claim(chain, r, agent_id, doctor_step=3) for r in rounds]
    for cheat in cheats[:2]:
        owner.submit_claim(cheat.round_id, cheat.agent_id, cheat.root, cheat.scores)
    assert chain.agent(agent_id).locked == 2 * ETHER
    with pytest.raises(ChainError) as caught:
        owner.submit_claim(cheats[2].round_id, agent_id, cheats[2].root, cheats[2].scores)
    assert caught.value == ChainError("StakeBelowMinimum", (0, ETHER))
    with pytest.raises(ChainError) as caught:
        owner.request_unstake(agent_id, 1)
    assert caught.value == ChainError("StakeLocked", (agent_id, 2 * ETHER))
    ids = [s.challenger.challenge(cheat.claim_id, 0, BOND) for cheat in cheats[:2]]
    chain.increase_time(MOVE_WINDOW + 5)
    for dispute_id in ids:
        chain.timeout(dispute_id)
    assert chain.balance_of(s.challenger.address) == 2 * (BOND + SLASH // 2)
    assert chain.agent(agent_id).stake == 2 * ETHER - 2 * SLASH
    assert chain.agent(agent_id).locked == 0
    owner.request_unstake(agent_id, ETHER)
    record()


def test_a_league_whose_slash_exceeds_the_claim_stake_is_refused(chain: ArenaAdapter) -> None:
    with pytest.raises(ChainError) as caught:
        chain.create_league(league_config(chain, slash_amount=ETHER + 1))
    assert caught.value == ChainError("InvalidLeagueConfig", ("slashAmount",))


def test_anyone_opens_the_next_round_of_a_stalled_league(
    chain: ArenaAdapter, record: Callable[[], Any]
) -> None:
    """A creator who stops opening rounds cannot lock the pool: STALL_PERIOD (7 days) after the
    latest challenge deadline anyone may open the league's next round."""
    s = setup_round(chain)
    outsider = chain.with_signer(account(5))
    deadline = chain.round(s.round_id).challenge_deadline
    assert chain.league(s.league_id).last_deadline == deadline
    chain.increase_time(deadline - chain.block_time() + STALL_PERIOD - 60)
    with pytest.raises(ChainError) as caught:
        outsider.open_round(s.league_id)
    assert caught.value == ChainError("NotLeagueCreator", (s.league_id, outsider.address))
    chain.increase_time(120)
    round_id = outsider.open_round(s.league_id)
    assert chain.league(s.league_id).last_deadline == chain.round(round_id).challenge_deadline
    record()
