"""MemoryChain under random operation sequences: only the contract's refusals ever surface,
and the Arena's wei always equals what it owes (balances, stakes, pools, locked bonds)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.arena_ops import ETHER, ClaimOpening, Phase
from adapters.errors import ChainError
from adapters.memory import MemoryChain
from adapters.memory.claims import commitment
from tests.conformance.harness import AGENT_CODE, account, league_config, seeded_claims

OPS = 15
step = st.tuples(st.integers(0, OPS - 1), st.integers(0, 3), st.integers(0, 4))


def owed(chain: MemoryChain) -> int:
    state = chain.world.state
    bond = chain.league(1).challenger_bond if state.league_count else 0
    open_bonds = sum(bond for d in state.disputes.values() if d.phase != Phase.RESOLVED)
    return (
        sum(state.balance_of.values())
        + sum(a.stake + a.unstaking for a in state.agents.values())
        + sum(league.reward_pool for league in state.leagues.values())
        + open_bonds
        + sum(state.held.values())
    )


def _opening(round_id: int, agent_id: int, guess: int) -> ClaimOpening:
    """What op 10 posts for ``agent_id`` (owner index agent_id - 1) with arg ``guess``."""
    del round_id
    return ClaimOpening(agent_id, bytes([guess]) * 32, (guess, -(agent_id - 1)))


def prepared() -> MemoryChain:
    """Two staked agents with claims in a seeded round, so random steps meet live state."""
    chain = MemoryChain()
    seeded_claims(chain)
    return chain


def apply(chain: MemoryChain, op: int, who: int, arg: int) -> None:
    me = chain.with_signer(account(who))
    s = chain.world.state
    if op == 0:
        me.register_agent(AGENT_CODE if arg else b"junk")
    elif op == 1:
        me.stake(arg + 1, arg * ETHER // 2)
    elif op == 2:
        me.request_unstake(arg + 1, ETHER // 2)
    elif op == 3:
        me.finalize_unstake(arg + 1)
    elif op == 4:
        me.create_league(league_config(chain, challenger_bond=ETHER // 5), arg * ETHER)
    elif op == 5:
        me.fund_league(arg, ETHER)
    elif op == 6:
        me.open_round(1 + arg % 2)
    elif op == 7:
        chain.mine(arg)
    elif op == 8:
        chain.increase_time(arg * 1_000)
    elif op == 9:
        me.fix_seed(arg)
    elif op == 10:
        me.submit_claim(1 + arg % 3, 1 + who, bytes([arg]) * 32, [arg, -who])
    elif op == 11:
        claim = ((1 + arg % 3) << 64) | (1 + who)
        me.challenge(claim, arg % 2, ETHER // 5 if arg else ETHER)
    elif op == 12:
        me.timeout(arg)
    elif op == 13:
        me.dismiss(arg)
    else:
        round_id = 1 + arg % 3
        openings = [
            opening
            for agent_id in (1, 2, 3, 4)
            for guess in range(5)
            if (opening := _opening(round_id, agent_id, guess))
            and commitment(opening.claim_root, opening.scores)
            == s.claim_commit.get((round_id << 64) | agent_id)
        ]
        me.settle_round(round_id, openings[: 1 + who])  # a batch: any part, any order
    if op == 3 and who == 0:
        me.withdraw(max(1, me.balance_of(me.address)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_random_sequences_keep_the_books(steps: list[tuple[int, int, int]]) -> None:
    chain = prepared()
    wallets = sum(chain.world.ledger.wallets.values())
    for op, who, arg in steps:
        height = chain.block_number()
        try:
            apply(chain, op, who, arg)
        except ChainError:
            assert chain.block_number() == height  # a refusal mines nothing
        assert chain.eth_balance(chain.addresses.arena) == owed(chain)
        assert sum(chain.world.ledger.wallets.values()) == wallets


def test_snapshots_behave_like_evm_snapshots() -> None:
    chain = MemoryChain()
    first = chain.snapshot()
    chain.mine(3)
    second = chain.snapshot()
    chain.mine(2)
    assert chain.revert_to(first)
    assert chain.block_number() == 7
    assert not chain.revert_to(second)  # later snapshots go with it
    third = chain.snapshot()
    assert third not in (first, second)
    chain.mine(1)
    assert chain.revert_to(third)
    assert not chain.revert_to(third)


def test_threads_share_one_chain_safely() -> None:
    import threading

    chain = MemoryChain()
    owner = chain.with_signer(account(1))
    agent_id = owner.register_agent(AGENT_CODE)

    def stake_many() -> None:
        handle = chain.with_signer(account(1))
        for _ in range(500):
            handle.stake(agent_id, 1)

    workers = [threading.Thread(target=stake_many) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert chain.agent(agent_id).stake == 2_000
    assert chain.block_number() == 7 + 1 + 2_000


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    totals=st.lists(st.integers(-3, 3), min_size=1, max_size=8),
    order=st.randoms(use_true_random=False),
    ranks=st.integers(0, 4),
)
def test_any_batches_in_any_order_pay_the_full_ranking(
    totals: list[int], order: random.Random, ranks: int
) -> None:
    """MemoryChain's batched settlement (revision 3): any partition of the claims into batches,
    in any order, pays what the full ranking (total descending, agent id ascending) pays."""
    chain = MemoryChain()
    schedule = tuple((ranks - r) * ETHER for r in range(ranks))
    creator = chain.with_signer(account(0))
    league_id = creator.create_league(league_config(chain, reward_schedule=schedule), 9 * ETHER)
    openings = []
    for i, total in enumerate(totals):
        owner = chain.with_signer(account(1 + i))
        agent_id = owner.register_agent(AGENT_CODE)
        owner.stake(agent_id, ETHER)
        openings.append(ClaimOpening(agent_id, bytes([i]) * 32, (total, 0)))
    round_id = creator.open_round(league_id)
    chain.mine(1)
    creator.fix_seed(round_id)
    for i, opening in enumerate(openings):
        chain.with_signer(account(1 + i)).submit_claim(
            round_id, opening.agent_id, opening.claim_root, opening.scores
        )
    chain.increase_time(3 * 3_600)
    shuffled = list(openings)
    order.shuffle(shuffled)
    while shuffled:
        cut = order.randint(1, len(shuffled))
        chain.settle_round(round_id, shuffled[:cut])
        shuffled = shuffled[cut:]
    assert chain.round(round_id).settled
    ranked = sorted(openings, key=lambda o: (-sum(o.scores), o.agent_id))
    pool = 9 * ETHER
    for rank, opening in enumerate(ranked):
        owner = chain.agent(opening.agent_id).owner
        amount = min(schedule[rank] * 2, pool) if rank < ranks else 0
        pool -= amount
        assert chain.balance_of(owner) == amount
        assert chain.agent(opening.agent_id).locked == 0
    assert chain.league(league_id).reward_pool == pool
    assert chain.eth_balance(chain.addresses.arena) == owed(chain)
