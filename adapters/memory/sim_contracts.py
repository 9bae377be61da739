"""The sim contracts (contracts/src/sim) mirrored in Python on a MemoryChain.

Same checks, named errors (ChainError with the Solidity name and args) and events as
SimLedger, AgentCards and TraceAnchor; every state change is one transaction (one block) of
the memory chain and its events join the chain's event stream. Each deploy mines one block
and gets a fresh address. The mirrors' state lives beside the Arena's: MemoryChain snapshots
and ``memory:FILE`` persistence do not cover it (a simulator run uses its contracts once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from eth_utils.address import to_checksum_address

from adapters.arena_ops import check_uint
from adapters.errors import AbiEncodingError
from adapters.memory.chain import MemoryChain
from adapters.memory.ledger import Tx, revert
from node.sim.chain.ops import AnchorInfo, CardInfo
from node.trace import keccak256

T = TypeVar("T")
MAX_CAPABILITIES = 32
ZERO32 = bytes(32)


def _b32(value: bytes, what: str) -> bytes:
    """A bytes32 argument, refused as eth-abi refuses it (AbiEncodingError)."""
    if not isinstance(value, bytes | bytearray) or len(value) > 32:
        raise AbiEncodingError(f"{what}: {value!r} is not a bytes32")
    return bytes(value).ljust(32, b"\0")


@dataclass
class _Contract:
    chain: MemoryChain
    address: str
    operator: str

    def _call(self, operation: Callable[[Tx], T], value: int = 0) -> T:
        return self.chain._run(self.address, operation, value)

    def _only_operator(self, tx: Tx) -> None:
        if tx.sender != self.operator:
            raise revert("NotOperator", tx.sender)


@dataclass
class MemorySimLedger(_Contract):
    balances: dict[bytes, int] = field(default_factory=dict)
    slashes: dict[bytes, int] = field(default_factory=dict)
    refs: set[tuple[bytes, bytes]] = field(default_factory=set)
    slashed_total: int = 0

    def deposit(self, agents: Sequence[bytes], each: int) -> None:
        ids = [_b32(a, "agents") for a in agents]
        check_uint(each, 256, "each")

        def op(tx: Tx) -> None:
            self._only_operator(tx)
            if each == 0 or not ids:
                raise revert("ZeroAmount")
            expected = each * len(ids)
            if tx.value != expected:
                raise revert("WrongValue", tx.value, expected)
            for agent in ids:
                balance = self.balances.get(agent, 0) + each
                self.balances[agent] = balance
                tx.emit(
                    self.address, "Deposited", {"agent": agent, "amount": each, "balance": balance}
                )

        self._call(op, each * len(ids))

    def transfer(self, payer: bytes, payee: bytes, amount: int, ref: bytes) -> None:
        payer, payee, ref = _b32(payer, "from"), _b32(payee, "to"), _b32(ref, "ref")
        check_uint(amount, 256, "amount")

        def op(tx: Tx) -> None:
            self._only_operator(tx)
            if amount == 0:
                raise revert("ZeroAmount")
            if payer == payee:
                raise revert("SelfTransfer", payer)
            if (payer, ref) in self.refs:
                raise revert("DuplicateRef", payer, ref)
            have = self.balances.get(payer, 0)
            if have < amount:
                raise revert("InsufficientCredits", payer, have, amount)
            self.refs.add((payer, ref))
            self.balances[payer] = have - amount
            self.balances[payee] = self.balances.get(payee, 0) + amount
            tx.emit(
                self.address,
                "Transferred",
                {"from": payer, "to": payee, "amount": amount, "ref": ref},
            )

        self._call(op)

    def slash(self, agent: bytes, amount: int) -> None:
        agent = _b32(agent, "agent")
        check_uint(amount, 256, "amount")

        def op(tx: Tx) -> None:
            self._only_operator(tx)
            if amount == 0:
                raise revert("ZeroAmount")
            have = self.balances.get(agent, 0)
            taken = min(amount, have)
            self.balances[agent] = have - taken
            self.slashed_total += taken
            count = self.slashes.get(agent, 0) + 1
            self.slashes[agent] = count
            tx.emit(self.address, "Slashed", {"agent": agent, "amount": taken, "count": count})

        self._call(op)

    def balance_of(self, agent: bytes) -> int:
        return self.balances.get(bytes(agent), 0)

    def slash_count(self, agent: bytes) -> int:
        return self.slashes.get(bytes(agent), 0)


@dataclass
class MemoryAgentCards(_Contract):
    cards: dict[bytes, CardInfo] = field(default_factory=dict)

    def set_card(self, agent: bytes, capabilities: Sequence[bytes], metadata_hash: bytes) -> None:
        agent, meta = _b32(agent, "agent"), _b32(metadata_hash, "metadataHash")
        caps = tuple(_b32(c, "capabilities") for c in capabilities)

        def op(tx: Tx) -> None:
            self._only_operator(tx)
            if not caps or len(caps) > MAX_CAPABILITIES:
                raise revert("BadCapabilities", len(caps))
            self.cards[agent] = CardInfo(caps, meta, True)
            tx.emit(
                self.address,
                "CardSet",
                {"agent": agent, "capabilities": list(caps), "metadataHash": meta},
            )

        self._call(op)

    def remove_card(self, agent: bytes) -> None:
        agent = _b32(agent, "agent")

        def op(tx: Tx) -> None:
            self._only_operator(tx)
            if agent not in self.cards:
                raise revert("UnknownCard", agent)
            del self.cards[agent]
            tx.emit(self.address, "CardRemoved", {"agent": agent})

        self._call(op)

    def card_of(self, agent: bytes) -> CardInfo:
        return self.cards.get(bytes(agent)) or CardInfo((), ZERO32, False)

    @property
    def card_count(self) -> int:
        return len(self.cards)


@dataclass
class MemoryTraceAnchor(_Contract):
    anchors: dict[bytes, AnchorInfo] = field(default_factory=dict)

    def anchor(self, root: bytes, scenario_hash: bytes, seed: int) -> AnchorInfo:
        root, scenario = _b32(root, "root"), _b32(scenario_hash, "scenarioHash")
        check_uint(seed, 64, "seed")

        def op(tx: Tx) -> AnchorInfo:
            if root == ZERO32:
                raise revert("ZeroRoot")
            existing = self.anchors.get(root)
            if existing is not None:
                raise revert("AlreadyAnchored", root, existing.block_number)
            info = AnchorInfo(
                root, tx.block_number, tx.timestamp, seed, tx.sender, scenario, self.address
            )
            self.anchors[root] = info
            tx.emit(
                self.address,
                "Anchored",
                {
                    "root": root,
                    "scenarioHash": scenario,
                    "seed": seed,
                    "by": tx.sender,
                    "blockNumber": tx.block_number,
                },
            )
            return info

        return self._call(op)

    def anchor_of(self, root: bytes) -> AnchorInfo | None:
        return self.anchors.get(bytes(root))


class MemorySimContracts:
    """Deploys the sim contract mirrors on one MemoryChain (the sender is their operator)."""

    def __init__(self, chain: MemoryChain) -> None:
        self.chain = chain

    def _address(self, name: str) -> str:
        world = self.chain.world
        with world.lock:
            head = world.ledger.head
            salt = f"nets.sim.{name}.{self.chain.address}.{head + 1}.{world.ledger.epoch}"
            address = to_checksum_address(keccak256(salt.encode())[12:])
            self.chain._run(address, lambda tx: None)  # the deployment's block
            world.code.with_code.add(address)
            return address

    def deploy_ledger(self) -> MemorySimLedger:
        return MemorySimLedger(self.chain, self._address("SimLedger"), self.chain.address)

    def deploy_cards(self) -> MemoryAgentCards:
        return MemoryAgentCards(self.chain, self._address("AgentCards"), self.chain.address)

    def deploy_anchor(self) -> MemoryTraceAnchor:
        return MemoryTraceAnchor(self.chain, self._address("TraceAnchor"), self.chain.address)
