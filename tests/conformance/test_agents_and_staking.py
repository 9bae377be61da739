"""Registry, staking, unstaking and withdrawals: the same errors and balances on both adapters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.arena_ops import ETHER, ZERO_ADDRESS
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from node.wasm.builder import body, func_type, module, name, section, uleb, vec
from tests.conformance.harness import AGENT_CODE, account


def _br_table_agent(labels: int) -> bytes:
    """decide returns its input after a br_table of ``labels`` targets (9 program bytes each)."""
    table = b"\x0e" + uleb(labels) + bytes(labels + 1)
    return module(
        section(1, vec([func_type([0x7E], [0x7E])])),
        section(3, vec([uleb(0)])),
        section(7, vec([name("decide") + b"\x00" + uleb(0)])),
        section(10, vec([body(b"\x02\x40\x41\x00" + table + b"\x0b\x20\x00\x0b")])),
    )


def test_program_limit_decides_registration(chain: ArenaAdapter) -> None:
    """The widest br_table whose compiled program fits 114,688 bytes registers; one more label
    and the module is outside the profile on both adapters."""
    owner = chain.with_signer(account(1))
    with pytest.raises(ChainError) as caught:
        owner.register_agent(_br_table_agent(12_734))
    assert caught.value == ChainError("InvalidAgentModule")
    agent_id = owner.register_agent(_br_table_agent(12_733))
    assert owner.agent(agent_id).abi_version == 0


def test_register_stake_unstake_withdraw(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    owner = chain.with_signer(account(1))
    stranger = chain.with_signer(account(2))
    with pytest.raises(ChainError) as caught:
        owner.register_agent(b"\x00asm not really")
    assert caught.value == ChainError("InvalidAgentModule")

    agent_id = owner.register_agent(AGENT_CODE)
    assert agent_id == 1
    info = owner.agent(agent_id)
    assert (info.owner, info.abi_version, info.stake) == (owner.address, 0, 0)
    assert chain.agent(99).owner == ZERO_ADDRESS

    with pytest.raises(ChainError) as caught:
        owner.stake(agent_id, 0)
    assert caught.value == ChainError("ZeroAmount")
    with pytest.raises(ChainError) as caught:
        stranger.stake(agent_id, ETHER)
    assert caught.value == ChainError("NotAgentOwner", (agent_id, stranger.address))
    with pytest.raises(ChainError) as caught:
        owner.stake(7, ETHER)
    assert caught.value == ChainError("UnknownAgent", (7,))

    owner.stake(agent_id, 3 * ETHER)
    assert owner.agent(agent_id).stake == 3 * ETHER
    with pytest.raises(ChainError) as caught:
        owner.request_unstake(agent_id, 0)
    assert caught.value == ChainError("ZeroAmount")
    with pytest.raises(ChainError) as caught:
        owner.request_unstake(agent_id, 4 * ETHER)
    assert caught.value == ChainError("InsufficientStake", (4 * ETHER, 3 * ETHER))
    with pytest.raises(ChainError) as caught:
        stranger.finalize_unstake(agent_id)
    assert caught.value == ChainError("NothingToUnstake", (agent_id,))

    owner.request_unstake(agent_id, ETHER)
    ready_at = owner.agent(agent_id).unstake_ready_at
    assert ready_at == chain.block_time() + chain.unstake_delay()
    with pytest.raises(ChainError) as caught:
        stranger.finalize_unstake(agent_id)
    assert caught.value == ChainError("UnstakeNotReady", (ready_at,))
    chain.increase_time(chain.unstake_delay() + 1)
    stranger.finalize_unstake(agent_id)  # anyone may finalize; the owner is credited
    assert chain.balance_of(owner.address) == ETHER

    with pytest.raises(ChainError) as caught:
        owner.withdraw(0)
    assert caught.value == ChainError("ZeroAmount")
    with pytest.raises(ChainError) as caught:
        owner.withdraw(2 * ETHER)
    assert caught.value == ChainError("InsufficientBalance", (2 * ETHER, ETHER))
    before = owner.eth_balance(owner.address)
    owner.withdraw(ETHER)
    after = owner.eth_balance(owner.address)
    assert 0 < after - before <= ETHER  # anvil charges gas, memory does not
    assert chain.balance_of(owner.address) == 0
    assert chain.eth_balance(chain.addresses.arena) == 2 * ETHER

    result = record()
    assert [e[3] for e in result["events"]] == [
        "AgentRegistered",
        "Staked",
        "UnstakeRequested",
        "UnstakeFinalized",
        "Withdrawn",
    ]


def test_value_beyond_the_wallet_is_refused_before_the_contract(chain: ArenaAdapter) -> None:
    from adapters.errors import TransactionFailed

    owner = chain.with_signer(account(5))
    agent_id = owner.register_agent(AGENT_CODE)
    height = chain.block_number()
    with pytest.raises(TransactionFailed):
        owner.stake(agent_id, 20_000 * ETHER)
    assert chain.block_number() == height
    assert chain.agent(agent_id).stake == 0
