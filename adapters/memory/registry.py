"""Agent registry and staking: registerAgent, stake, requestUnstake, finalizeUnstake."""

from __future__ import annotations

from adapters.arena_ops import check_uint
from adapters.memory import contracts
from adapters.memory.ledger import Tx, revert
from adapters.memory.state import Agent, ArenaState
from node.trace import keccak256


def agent_of(state: ArenaState, agent_id: int) -> Agent:
    agent = state.agents.get(agent_id)
    if agent is None:
        raise revert("UnknownAgent", agent_id)
    return agent


def owned_agent(state: ArenaState, tx: Tx, agent_id: int) -> Agent:
    agent = agent_of(state, agent_id)
    if agent.owner != tx.sender:
        raise revert("NotAgentOwner", agent_id, tx.sender)
    return agent


def register_agent(state: ArenaState, tx: Tx, arena: str, code: bytes) -> int:
    valid, abi_version = contracts.inspect(code)
    if not valid:
        raise revert("InvalidAgentModule")
    state.agent_count += 1
    agent_id = state.agent_count
    code_hash = keccak256(code)
    state.agents[agent_id] = Agent(tx.sender, abi_version, tx.block_number, code_hash)
    tx.code = code
    tx.emit(
        arena,
        "AgentRegistered",
        {"agentId": agent_id, "owner": tx.sender, "codeHash": code_hash, "abiVersion": abi_version},
    )
    return agent_id


MAX_STAKE = 2**96 - 1
"""Arena.Agent.stake is a uint96 (79 billion ether)."""


def registered_code(state: ArenaState, codes: dict[int, bytes], agent_id: int) -> bytes | None:
    """The module agent ``agent_id`` was registered with, read from its registration block as
    a chain's calldata would be; None for an unknown agent or a module whose hash is not the
    registered one."""
    agent = state.agents.get(agent_id)
    code = codes.get(agent.registered_block) if agent is not None else None
    return (
        code
        if agent is not None and code is not None and keccak256(code) == agent.code_hash
        else None
    )


def stake(state: ArenaState, tx: Tx, arena: str, agent_id: int) -> None:
    check_uint(agent_id, 256, "agentId")
    agent = owned_agent(state, tx, agent_id)
    if tx.value == 0:
        raise revert("ZeroAmount")
    if agent.stake + tx.value > MAX_STAKE:
        raise revert("StakeOverflow", agent.stake + tx.value)
    agent.stake += tx.value
    tx.emit(arena, "Staked", {"agentId": agent_id, "amount": tx.value, "stake": agent.stake})


def request_unstake(state: ArenaState, tx: Tx, arena: str, agent_id: int, amount: int) -> None:
    check_uint(agent_id, 256, "agentId")
    check_uint(amount, 256, "amount")
    agent = owned_agent(state, tx, agent_id)
    if amount == 0:
        raise revert("ZeroAmount")
    if amount > agent.stake:
        raise revert("InsufficientStake", amount, agent.stake)
    if amount > agent.stake - agent.locked:
        raise revert("StakeLocked", agent_id, agent.locked)
    agent.stake -= amount
    agent.unstaking += amount
    agent.unstake_ready_at = tx.timestamp + state.unstake_delay
    tx.emit(
        arena,
        "UnstakeRequested",
        {
            "agentId": agent_id,
            "amount": amount,
            "unstaking": agent.unstaking,
            "readyAt": agent.unstake_ready_at,
        },
    )


def finalize_unstake(state: ArenaState, tx: Tx, arena: str, agent_id: int) -> None:
    check_uint(agent_id, 256, "agentId")
    agent = agent_of(state, agent_id)
    amount = agent.unstaking
    if amount == 0:
        raise revert("NothingToUnstake", agent_id)
    if tx.timestamp < agent.unstake_ready_at:
        raise revert("UnstakeNotReady", agent.unstake_ready_at)
    agent.unstaking = 0
    state.balance_of[agent.owner] = state.balance_of.get(agent.owner, 0) + amount
    tx.emit(
        arena, "UnstakeFinalized", {"agentId": agent_id, "owner": agent.owner, "amount": amount}
    )
