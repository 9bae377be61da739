"""Time on both adapters: explicit mining and time jumps with the same semantics, and the memory
chain whose clock and blocks follow the wall time (what `--chain memory:FILE` and `memory:db`
run on) against the contract's time checks."""

from __future__ import annotations

import pytest

from adapters.arena_ops import ETHER, Phase, Reason
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from adapters.events import EventCursor
from adapters.memory import MemoryChain, live_world
from adapters.memory.ledger import MAX_CATCH_UP
from adapters.memory.persist import from_text, to_text
from tests.conformance.harness import (
    AGENT_CODE,
    MOVE_WINDOW,
    build_claim,
    league_config,
    setup_round,
)


def test_mine_adds_exactly_n_blocks(chain: ArenaAdapter) -> None:
    """The session anvil's clock stands still as the memory chain's does (node.testing):
    exact on both, no allowance for a slow machine."""
    head, time = chain.block_number(), chain.block_time()
    chain.mine(3)
    assert (chain.block_number(), chain.block_time()) == (head + 3, time)
    chain.mine()
    assert chain.block_number() == head + 4


def test_advance_is_one_block_carrying_the_jump(chain: ArenaAdapter) -> None:
    head, time = chain.block_number(), chain.block_time()
    chain.increase_time(5_000)
    assert (chain.block_number(), chain.block_time()) == (head + 1, time + 5_000)


class FakeClock:
    def __init__(self, start: int) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now


def _live(interval: int = 2) -> tuple[MemoryChain, FakeClock]:
    world = live_world(interval)
    clock = FakeClock(world.ledger.timestamps[-1])
    world.ledger.clock = clock
    return MemoryChain(world), clock


def test_live_memory_mines_one_block_per_interval() -> None:
    chain, clock = _live(interval=2)
    head, time = chain.block_number(), chain.block_time()
    clock.now += 1
    assert chain.block_number() == head  # not yet an interval
    clock.now += 9
    assert chain.block_number() == head + 5
    assert chain.block_time() == time + 10
    ledger = chain.world.ledger
    assert ledger.head == head  # a read sees the due blocks; only a transaction records them
    chain.mine(1)
    assert ledger.timestamps[-6:-1] == [time + 2 * k for k in range(1, 6)]
    assert chain.block_number() == head + 6


def test_live_memory_transaction_lands_at_wall_time() -> None:
    chain, clock = _live(interval=5)
    start = chain.block_time()
    clock.now += 3  # inside an interval: the transaction's block carries the wall time
    agent_id = chain.register_agent(AGENT_CODE)
    assert chain.agent(agent_id).registered_block == chain.block_number()
    assert chain.block_time() == start + 3


def test_live_memory_advance_is_not_made_up_again() -> None:
    chain, clock = _live(interval=1)
    head, time = chain.block_number(), chain.block_time()
    chain.increase_time(3_600)
    assert (chain.block_number(), chain.block_time()) == (head + 1, time + 3_600)
    clock.now += 2
    assert (chain.block_number(), chain.block_time()) == (head + 3, time + 3_602)


def test_live_memory_long_idle_spell_makes_up_a_bounded_number_of_blocks() -> None:
    chain, clock = _live(interval=1)
    head = chain.block_number()
    clock.now += 86_400
    assert chain.block_number() == head + MAX_CATCH_UP
    assert chain.block_time() == int(clock.now)
    # more than the BLOCKHASH window: a seed block left alone that long has expired
    assert MAX_CATCH_UP > 256


def test_live_memory_deadlines_pass_by_time_alone() -> None:
    """A claimant that never answers loses by timeout once the wall time passes the move
    window: nobody mines or advances anything."""
    chain, clock = _live(interval=1)
    s = setup_round(chain)
    claim = build_claim(chain, s.round_id, s.agents[0])
    s.owners[0].submit_claim(claim.round_id, claim.agent_id, claim.root, claim.scores)
    d = s.challenger.challenge(claim.claim_id, 0, ETHER // 5)
    deadline = chain.dispute(d).deadline
    with pytest.raises(ChainError) as caught:
        s.challenger.timeout(d)
    assert caught.value == ChainError("DeadlineNotPassed", (deadline,))
    clock.now += MOVE_WINDOW + 1
    s.challenger.timeout(d)
    info = chain.dispute(d)
    assert info.phase == Phase.RESOLVED
    resolved = [e for e in chain.events_since(EventCursor()).events if e.name == "DisputeResolved"]
    assert [e.args["reason"] for e in resolved] == [Reason.CLAIMANT_TIMEOUT]


def test_live_memory_seed_block_arrives_by_time_alone() -> None:
    chain, clock = _live(interval=1)
    creator = chain
    league_id = creator.create_league(league_config(chain), ETHER)
    round_id = creator.open_round(league_id)
    seed_block = chain.round(round_id).seed_block
    with pytest.raises(ChainError) as caught:
        creator.fix_seed(round_id)
    assert caught.value == ChainError("SeedNotReady", (seed_block,))
    clock.now += 1  # the next interval block is the seed block
    creator.fix_seed(round_id)
    assert chain.round(round_id).seed_fixed


def test_live_memory_keeps_moving_after_save_and_load() -> None:
    chain, _ = _live(interval=3)
    loaded = from_text(to_text(chain.world), "test")
    assert loaded.ledger.wall_clock
    assert loaded.ledger.block_interval == 3
    assert loaded.ledger.timestamps == chain.world.ledger.timestamps


def test_manual_memory_chain_stands_still() -> None:
    chain = MemoryChain()
    head, time = chain.block_number(), chain.block_time()
    assert chain.world.ledger.tick() == 0
    assert (chain.block_number(), chain.block_time()) == (head, time)
