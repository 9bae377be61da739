"""The event stream and its cursor give the same positions on both adapters."""

from __future__ import annotations

import pytest

from adapters.arena_ops import ETHER
from adapters.base import ArenaAdapter
from adapters.errors import ChainReorg
from adapters.events import EventCursor
from tests.conformance.harness import AGENT_CODE, account


def test_cursor_positions_confirmations_and_reorgs(chain: ArenaAdapter) -> None:
    owner = chain.with_signer(account(1))
    start = EventCursor(chain.block_number() + 1, 0)
    agent_id = owner.register_agent(AGENT_CODE)
    owner.stake(agent_id, ETHER)
    owner.request_unstake(agent_id, ETHER // 2)
    head = chain.block_number()
    batch = chain.events_since(start)
    assert [(e.name, e.block_number, e.log_index) for e in batch.events] == [
        ("AgentRegistered", head - 2, 0),
        ("Staked", head - 1, 0),
        ("UnstakeRequested", head, 0),
    ]
    assert {e.address for e in batch.events} == {chain.addresses.arena}
    assert (batch.cursor.block, batch.cursor.log_index) == (head + 1, 0)
    rest = chain.events_since(batch.events[0].next_cursor)
    assert [e.name for e in rest.events] == ["Staked", "UnstakeRequested"]
    confirmed = chain.events_since(start, confirmations=1)
    assert [e.name for e in confirmed.events] == ["AgentRegistered", "Staked"]
    assert chain.events_since(batch.cursor).events == []

    snapshot = chain.snapshot()
    owner.stake(agent_id, ETHER)
    after = chain.events_since(batch.cursor)
    assert [e.name for e in after.events] == ["Staked"]
    assert chain.revert_to(snapshot)
    owner.stake(agent_id, 2 * ETHER)  # another block at the same height
    with pytest.raises(ChainReorg):
        chain.events_since(after.cursor)
    (again,) = chain.events_since(batch.cursor).events
    assert again.args["amount"] == 2 * ETHER


def test_views_of_unknown_ids_are_zeroed_records(chain: ArenaAdapter) -> None:
    from adapters.memory import MemoryChain

    reference = MemoryChain()
    assert chain.agent(5) == reference.agent(5)
    assert chain.league(5) == reference.league(5)
    assert chain.round(5) == reference.round(5)
    assert chain.dispute(5) == reference.dispute(5)
    assert chain.claim_commit(5) == bytes(32)
    assert chain.midpoint(5) == 0
    assert not chain.is_disqualified(1, 1)
    assert chain.counts() == (0, 0, 0, 0)
    assert chain.unstake_delay() == 86_400
    assert chain.match_seed(1, 2, 3) == reference.match_seed(1, 2, 3)
