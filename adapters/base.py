"""The ChainAdapter protocol: what the node may ask of a chain, whichever implements it.

MemoryChain (embedded) and Web3Chain (JSON-RPC) implement it with identical semantics: the
same ChainError name and args for the same misuse, the same events in the same order. The
Arena operations are ``ArenaAdapter`` (docs/protocol/adapters.md, "Arena operations").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from adapters.arena_ops import (
    AgentInfo,
    ArenaAddresses,
    ClaimOpening,
    DisputeInfo,
    Entry,
    LeagueConfig,
    LeagueInfo,
    RoundInfo,
    Summary,
)
from adapters.errors import AdapterError, ChainError
from adapters.events import ChainEvent, EventBatch, EventCursor
from adapters.plugins import registered

if TYPE_CHECKING:
    from adapters.keys import Signer

__all__ = [
    "ArenaAdapter",
    "ChainAdapter",
    "ChainAdapterFactory",
    "ChainError",
    "ChainEvent",
    "EventBatch",
    "EventCursor",
    "adapter_factory",
    "adapter_names",
]


@runtime_checkable
class ChainAdapter(Protocol):
    """Chain facts, time control for tests, and the event stream with a resumable cursor.

    Every state-changing operation raises ``ChainError`` (adapters.errors) carrying the
    Solidity error name when the contract refuses it.
    """

    @property
    def chain_id(self) -> int: ...

    def block_number(self) -> int:
        """Number of the latest block."""
        ...

    def block_time(self) -> int:
        """Timestamp of the latest block, in seconds."""
        ...

    def increase_time(self, seconds: int) -> None:
        """Advance chain time by ``seconds`` and mine a block carrying the new time."""
        ...

    def mine(self, blocks: int = 1) -> None:
        """Mine ``blocks`` empty blocks."""
        ...

    def events_since(self, cursor: EventCursor, *, confirmations: int = 0) -> EventBatch:
        """Events at or after ``cursor`` in chain order, and the cursor to continue from."""
        ...


@runtime_checkable
class ArenaAdapter(ChainAdapter, Protocol):
    """A ChainAdapter with the Arena operations (docs/protocol/adapters.md, "Arena operations").

    Names follow the Solidity functions in snake_case; amounts are wei ints; every refusal is
    the contract's ChainError. State-changing calls send from ``address`` (``with_signer``
    gives the same chain sending from another account) and return the id they create.
    """

    @property
    def address(self) -> str:
        """The sending account (checksummed)."""
        ...

    @property
    def addresses(self) -> ArenaAddresses: ...

    def with_signer(self, signer: Signer) -> ArenaAdapter: ...

    def eth_balance(self, address: str) -> int: ...

    def snapshot(self) -> str:
        """Save the chain (tests); ``revert_to`` restores it and consumes the id."""
        ...

    def revert_to(self, snapshot_id: str) -> bool:
        """Back to a snapshot; blocks mined afterwards get new hashes (cursors past it reorg)."""
        ...

    # agents and staking
    def register_agent(self, code: bytes) -> int: ...
    def stake(self, agent_id: int, amount: int) -> None: ...
    def request_unstake(self, agent_id: int, amount: int) -> None: ...
    def finalize_unstake(self, agent_id: int) -> None: ...

    # leagues and rounds
    def create_league(self, config: LeagueConfig, reward_pool: int = 0) -> int: ...
    def fund_league(self, league_id: int, amount: int) -> None: ...
    def open_round(self, league_id: int) -> int: ...
    def fix_seed(self, round_id: int) -> bytes: ...

    # claims, settlement, withdrawals
    def submit_claim(
        self, round_id: int, agent_id: int, claim_root: bytes, scores: Sequence[int]
    ) -> int: ...
    def settle_round(self, round_id: int, batch: Sequence[ClaimOpening]) -> None:
        """Count a batch of the round's live claims (any order); the last batch pays the ranks."""
        ...

    def withdraw(self, amount: int) -> None: ...

    # dispute moves
    def challenge(self, claim_id: int, match_index: int, bond: int) -> int: ...
    def reveal_summary(
        self,
        dispute_id: int,
        claim_root: bytes,
        scores: Sequence[int],
        summary: Summary,
        proof: Sequence[bytes],
    ) -> None: ...
    def reveal_final(self, dispute_id: int, entry: Entry, proof: Sequence[bytes]) -> None: ...
    def prove_final_state_fraud(self, dispute_id: int, final_state: bytes) -> None: ...
    def reveal_midpoint(self, dispute_id: int, entry: Entry, proof: Sequence[bytes]) -> None: ...
    def answer(self, dispute_id: int, agree: bool) -> None: ...
    def prove_step(
        self, dispute_id: int, lo_entry: Entry, entry: Entry, pre_state: bytes, code: bytes
    ) -> None: ...
    def timeout(self, dispute_id: int) -> None: ...
    def dismiss(self, dispute_id: int) -> None: ...

    # views (unknown ids give zeroed records, as the contract's views do)
    def agent(self, agent_id: int) -> AgentInfo: ...
    def league(self, league_id: int) -> LeagueInfo: ...
    def round(self, round_id: int) -> RoundInfo: ...
    def dispute(self, dispute_id: int) -> DisputeInfo: ...
    def agent_code(self, agent_id: int) -> bytes | None:
        """The module ``agent_id`` was registered with, read back from the chain (the
        ``registerAgent`` calldata of its registration transaction): None for an unknown agent
        or when what the chain holds does not hash to the registered ``codeHash``."""
        ...

    def claim_commit(self, claim_id: int) -> bytes: ...
    def is_held(self, claim_id: int) -> bool:
        """Counted by settlement while a dispute on it was open: stake and reward wait."""
        ...

    def held_reward(self, claim_id: int) -> int:
        """The reward reserved for a held claim's rank (0 until its round settles)."""
        ...

    def is_disqualified(self, agent_id: int, league_id: int) -> bool: ...
    def balance_of(self, account: str) -> int: ...
    def match_seed(self, round_id: int, agent_id: int, match_index: int) -> bytes: ...
    def midpoint(self, dispute_id: int) -> int: ...
    def first_open_dispute(self, claim_id: int) -> int:
        """The claim's open dispute opened first (0: none): a conviction pays its challenger."""
        ...

    def counts(self) -> tuple[int, int, int, int]: ...
    def unstake_delay(self) -> int: ...


class ChainAdapterFactory(Protocol):
    """What a ``nets.chain_adapters`` entry point names: opens an adapter.

    ``url`` is the endpoint (None for adapters without one, like the embedded memory chain);
    ``signer`` the key transactions are signed with (None: read-only, or the adapter's own
    default where it has one).
    """

    def __call__(self, url: str | None = None, *, signer: Signer | None = None) -> ChainAdapter: ...


ENTRY_POINT_GROUP = "nets.chain_adapters"


def adapter_names() -> list[str]:
    return sorted(ep.name for ep in registered(ENTRY_POINT_GROUP))


def adapter_factory(name: str) -> ChainAdapterFactory:
    """The factory registered under ``name`` (AdapterError naming the known ones if absent)."""
    for ep in registered(ENTRY_POINT_GROUP):
        if ep.name == name:
            return ep.load()
    raise AdapterError(f"unknown chain adapter {name!r} (known: {', '.join(adapter_names())})")
