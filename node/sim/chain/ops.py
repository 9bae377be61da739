"""What the chain-backed plugins need from a chain: the three sim contracts as operations.

``adapters.memory.sim_contracts`` mirrors them in Python for MemoryChain and
``adapters.web3chain.sim_ops`` calls the deployed contracts; both raise ChainError with the
Solidity error's name and args, so a plugin behaves the same on either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from node.trace import keccak256


def agent_key(agent_id: str) -> bytes:
    """The bytes32 an agent id is known by on chain."""
    return keccak256(b"nets.sim.agent\x00" + agent_id.encode())


def name_key(name: str) -> bytes:
    """The bytes32 of a capability name, a payment reference or a metadata blob."""
    return keccak256(name.encode())


@dataclass(frozen=True)
class AnchorInfo:
    """A trace root as TraceAnchor recorded it."""

    root: bytes
    block_number: int
    timestamp: int
    seed: int
    by: str
    scenario_hash: bytes
    contract: str = ""
    """The TraceAnchor that holds the record."""


@dataclass(frozen=True)
class CardInfo:
    capabilities: tuple[bytes, ...]
    metadata_hash: bytes
    listed: bool


@runtime_checkable
class LedgerOps(Protocol):
    """One deployed SimLedger."""

    address: str

    def deposit(self, agents: Sequence[bytes], each: int) -> None: ...

    def transfer(self, payer: bytes, payee: bytes, amount: int, ref: bytes) -> None: ...

    def slash(self, agent: bytes, amount: int) -> None: ...

    def balance_of(self, agent: bytes) -> int: ...

    def slash_count(self, agent: bytes) -> int: ...


@runtime_checkable
class CardOps(Protocol):
    """One deployed AgentCards."""

    address: str

    def set_card(
        self, agent: bytes, capabilities: Sequence[bytes], metadata_hash: bytes
    ) -> None: ...

    def remove_card(self, agent: bytes) -> None: ...

    def card_of(self, agent: bytes) -> CardInfo: ...


@runtime_checkable
class AnchorOps(Protocol):
    """One deployed TraceAnchor."""

    address: str

    def anchor(self, root: bytes, scenario_hash: bytes, seed: int) -> AnchorInfo: ...

    def anchor_of(self, root: bytes) -> AnchorInfo | None: ...


@runtime_checkable
class SimContracts(Protocol):
    """Deploys fresh sim contracts on one chain."""

    def deploy_ledger(self) -> LedgerOps: ...

    def deploy_cards(self) -> CardOps: ...

    def deploy_anchor(self) -> AnchorOps: ...


def sim_contracts(adapter: Any) -> SimContracts:
    """The sim contract operations for a chain adapter (MemoryChain or Web3Chain)."""
    from adapters.memory import MemoryChain
    from adapters.web3chain import Web3Chain

    if isinstance(adapter, MemoryChain):
        from adapters.memory.sim_contracts import MemorySimContracts

        return MemorySimContracts(adapter)
    if isinstance(adapter, Web3Chain):
        from adapters.web3chain.sim_ops import Web3SimContracts

        return Web3SimContracts(adapter)
    raise TypeError(f"no sim contracts for a {type(adapter).__name__}")
