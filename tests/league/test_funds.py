"""Unstake, finalize and withdraw go through the outbox: a retry after a crash between send and
mark never sends twice, and asking again later is a new action."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.memory import MemoryChain
from node.db import Outbox, open_database
from node.db.engine import Database
from node.league import funds
from node.wasm import load_agent_file

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
ETHER = 10**18


@pytest.fixture
def db() -> Database:
    return open_database("sqlite://")


def _staked(chain: MemoryChain) -> int:
    agent_id = chain.register_agent(load_agent_file(AGENTS / "snake" / "greedy_v1.wat"))
    chain.stake(agent_id, 5 * ETHER)
    return agent_id


def test_unstake_retried_after_a_crash_is_sent_once(db: Database) -> None:
    chain = MemoryChain()
    agent_id = _staked(chain)
    outbox = Outbox(db, chain.chain_id)
    # The node recorded the intent, sent it, and died before marking it done.
    outbox.record_intent("unstake", [agent_id, ETHER, 1], {"block": chain.block_number() + 1})
    chain.request_unstake(agent_id, ETHER)
    funds.request_unstake(db, chain, agent_id, ETHER)
    assert chain.agent(agent_id).stake == 4 * ETHER
    assert [i.status for i in outbox.all_intents("unstake")] == ["done"]
    # Asked again later: a new action.
    funds.request_unstake(db, chain, agent_id, ETHER)
    assert chain.agent(agent_id).stake == 3 * ETHER
    assert [i.key for i in outbox.all_intents("unstake")][-1] == f"unstake:{agent_id}:{ETHER}:2"


def test_finalize_and_withdraw_retried_after_a_crash_are_sent_once(db: Database) -> None:
    chain = MemoryChain()
    agent_id = _staked(chain)
    outbox = Outbox(db, chain.chain_id)
    funds.request_unstake(db, chain, agent_id, 2 * ETHER)
    chain.increase_time(chain.unstake_delay() + 1)
    outbox.record_intent("finalize_unstake", [agent_id, 1], {"block": chain.block_number() + 1})
    chain.finalize_unstake(agent_id)
    funds.finalize_unstake(db, chain, agent_id)  # found on chain, not sent again (it would revert)
    assert chain.balance_of(chain.address) == 2 * ETHER

    me = chain.address.lower()
    outbox.record_intent("withdraw", [me, ETHER, 1], {"block": chain.block_number() + 1})
    chain.withdraw(ETHER)
    funds.withdraw(db, chain, ETHER)
    assert chain.balance_of(chain.address) == ETHER
    funds.withdraw(db, chain, ETHER)  # asked again: the second ether
    assert chain.balance_of(chain.address) == 0
    assert {i.status for i in outbox.all_intents()} == {"done"}
