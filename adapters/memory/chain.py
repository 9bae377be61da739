"""MemoryChain: the embedded ChainAdapter, a pure-Python Arena with the contract's semantics.

Same operations, checks, named errors (ChainError with the Solidity name and args), balances
and event stream as the contracts on anvil (tests/conformance holds both to that). Accounts
are anvil's default accounts with anvil's default balance; the Arena's contracts sit at the
addresses a fresh anvil gives them, and block numbers start where that deployment ends.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, TypeVar

from eth_utils.address import to_checksum_address

from adapters.anvil import DEFAULT_BLOCK_TIME, DEFAULT_KEYS
from adapters.arena_ops import (
    ARENA_PLAN,
    ETHER,
    ZERO_ADDRESS,
    AgentInfo,
    ArenaAddresses,
    ClaimOpening,
    DisputeInfo,
    Entry,
    LeagueConfig,
    LeagueInfo,
    Phase,
    RoundInfo,
    Summary,
    check_uint,
    planned_addresses,
)
from adapters.events import EventBatch, EventCursor
from adapters.keys import anvil_account
from adapters.memory import claims, leagues, registry
from adapters.memory.contracts import Contracts
from adapters.memory.disputes import Game
from adapters.memory.ledger import DEFAULT_START_TIME, Ledger, Tx
from adapters.memory.state import Agent, ArenaState, Dispute, League, Round
from node.trace import keccak256

if TYPE_CHECKING:
    from adapters.keys import Signer

T = TypeVar("T")
ANVIL_CHAIN_ID = 31337
DEFAULT_BALANCE = 10_000 * ETHER
"""What anvil gives each of its default accounts."""


class Store(Protocol):
    """Where a durable world lives (adapters.memory.durable, node.db.memory_chain). The world
    calls it around every outermost hold of its lock, so the semantics code never sees it; a
    store may let its caller write its own records inside that transaction (memory:db:
    node.db.engine.Database.atomic), which ``end`` then commits or discards with the chain's."""

    def begin(self, world: World) -> None:
        """Take the cross-process lock and load what other processes committed."""
        ...

    def end(self, world: World, failed: bool) -> None:
        """Write what changed (unless ``failed``: then discard it, and whatever the caller
        wrote inside the transaction) durably, then release the lock; a write that fails
        reloads the stored state and raises MemoryFileError."""
        ...

    def refresh(self, world: World) -> None:
        """Load what other processes committed (before a read)."""
        ...


class WorldLock:
    """The world's reentrant lock. With a store, each outermost hold is one transaction: it
    starts from the latest stored state and is on disk before the hold ends (before the
    sender sees its receipt)."""

    def __init__(self, world: World) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._world = world

    def __enter__(self) -> WorldLock:
        self._lock.acquire()
        self._depth += 1
        store = self._world.store
        if self._depth == 1 and store is not None:
            try:
                store.begin(self._world)
            except BaseException:
                self._depth -= 1
                self._lock.release()
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            store = self._world.store
            if self._depth == 1 and store is not None:
                store.end(self._world, failed=exc_type is not None)
        finally:
            self._depth -= 1
            self._lock.release()

    def refresh(self) -> None:
        """Before a read: take what other processes committed (not inside a transaction)."""
        store = self._world.store
        if store is None:
            return
        with self._lock:
            if self._depth == 0:
                store.refresh(self._world)


@dataclass
class World:
    """The shared chain behind every MemoryChain handle (one handle per sending account)."""

    ledger: Ledger
    state: ArenaState
    code: Contracts
    game: Game
    snapshots: dict[str, tuple[Ledger, ArenaState]] = field(default_factory=dict)
    snapshot_count: int = 0
    store: Store | None = None
    """None: the world lives in this process only."""
    lock: WorldLock = field(init=False)
    """One operation at a time: handles may be shared between the node's threads (and, with a
    store, between processes)."""

    def __post_init__(self) -> None:
        self.lock = WorldLock(self)

    def copy(self) -> World:
        """An independent in-process chain with this one's blocks, wallets and Arena state
        (snapshots and store stay behind; the contracts hold no state and are shared): how a
        test starts from a deployed template instead of deploying again (node.testing)."""
        with self.lock:
            state = copy.deepcopy(self.state)
            return World(copy.deepcopy(self.ledger), state, self.code, Game(state, self.code))


def new_world(
    *,
    chain_id: int = ANVIL_CHAIN_ID,
    wall_clock: bool = False,
    block_interval: int = 0,
    start_time: int = DEFAULT_START_TIME,
    accounts: Sequence[str] | None = None,
    balance: int = DEFAULT_BALANCE,
) -> World:
    deployer = anvil_account(0).address
    addresses = planned_addresses(deployer)
    ledger = Ledger(
        chain_id,
        start_block=len(ARENA_PLAN),
        start_time=start_time,
        wall_clock=wall_clock,
        block_interval=block_interval,
    )
    holders = (
        accounts
        if accounts is not None
        else [anvil_account(i).address for i in range(len(DEFAULT_KEYS))]
    )
    for address in holders:
        ledger.wallets[to_checksum_address(address)] = balance
    state = ArenaState(unstake_delay=_unstake_delay())
    code = Contracts(addresses)
    return World(ledger, state, code, Game(state, code))


def live_world(block_interval: int = DEFAULT_BLOCK_TIME) -> World:
    """A new world whose time moves by itself: the clock follows wall time from now and a
    block appears every ``block_interval`` seconds (``--chain memory:FILE`` and ``memory:db``,
    which outlive a command; the plain in-process chain keeps the manual clock)."""
    return new_world(wall_clock=True, block_interval=block_interval, start_time=int(time.time()))


def _unstake_delay() -> int:
    for name, args in ARENA_PLAN:
        if name == "Arena":
            return int(args[1])
    raise AssertionError("ARENA_PLAN has no Arena")


class MemoryChain:
    """One sending account on a shared in-memory chain; ``with_signer`` gives another."""

    def __init__(self, world: World | None = None, signer: Signer | str | None = None) -> None:
        self.world = world or new_world()
        if signer is None:
            signer = anvil_account(0)
        self.address = to_checksum_address(signer if isinstance(signer, str) else signer.address)

    def with_signer(self, signer: Signer | str) -> MemoryChain:
        """The same chain, sending as ``signer`` (memory needs no key: an address will do)."""
        return MemoryChain(self.world, signer)

    # -- chain facts, time, events ------------------------------------------------------------

    @property
    def chain_id(self) -> int:
        return self.world.ledger.chain_id

    @property
    def addresses(self) -> ArenaAddresses:
        return self.world.code.addresses

    def block_number(self) -> int:
        self.world.lock.refresh()
        return self.world.ledger.now_head()

    def block_time(self) -> int:
        self.world.lock.refresh()
        return self.world.ledger.now_time()

    def increase_time(self, seconds: int) -> None:
        with self.world.lock:
            self.world.ledger.increase_time(seconds)

    def mine(self, blocks: int = 1) -> None:
        with self.world.lock:
            self.world.ledger.mine(blocks)

    def events_since(self, cursor: EventCursor, *, confirmations: int = 0) -> EventBatch:
        self.world.lock.refresh()
        return self.world.ledger.events_since(cursor, confirmations=confirmations)

    def eth_balance(self, address: str) -> int:
        self.world.lock.refresh()
        return self.world.ledger.wallets.get(to_checksum_address(address), 0)

    def snapshot(self) -> str:
        """Save the whole chain; ``revert_to`` brings it back (the id is consumed)."""
        with self.world.lock:
            self.world.snapshot_count += 1
            snapshot_id = hex(self.world.snapshot_count)
            self.world.snapshots[snapshot_id] = (
                copy.deepcopy(self.world.ledger),
                copy.deepcopy(self.world.state),
            )
            return snapshot_id

    def revert_to(self, snapshot_id: str) -> bool:
        """As evm_revert: back to the snapshot, which is consumed with every later one."""
        with self.world.lock:
            saved = self.world.snapshots.get(snapshot_id)
            if saved is None:
                return False
            taken = int(snapshot_id, 16)
            for other in [k for k in self.world.snapshots if int(k, 16) >= taken]:
                del self.world.snapshots[other]
            epoch = self.world.ledger.epoch + 1  # blocks mined from here on get new hashes
            self.world.ledger.__dict__.update(saved[0].__dict__)
            self.world.ledger.epoch = epoch
            self.world.state.__dict__.update(saved[1].__dict__)
            return True

    # -- plumbing -----------------------------------------------------------------------------

    def _run(self, to: str, operation: Callable[[Tx], T], value: int = 0) -> T:
        """Execute one transaction: all or nothing, one block when it succeeds."""
        check_uint(value, 256, "value")
        with self.world.lock:
            tx = self.world.ledger.begin(self.address, value)
            result = operation(tx)
            self.world.ledger.commit(tx, to)
            return result

    def _arena(self, operation: Callable[[Tx], T], value: int = 0) -> T:
        return self._run(self.addresses.arena, operation, value)

    def _game(self, operation: Callable[[Tx], T], value: int = 0) -> T:
        # The bond travels game -> Arena in the same call: the Arena ends up holding it.
        return self._run(self.addresses.arena, operation, value)

    @property
    def _state(self) -> ArenaState:
        self.world.lock.refresh()
        return self.world.state

    # -- agents and staking ---------------------------------------------------------------------

    def register_agent(self, code: bytes) -> int:
        arena = self.addresses.arena
        return self._arena(lambda tx: registry.register_agent(self._state, tx, arena, bytes(code)))

    def stake(self, agent_id: int, amount: int) -> None:
        arena = self.addresses.arena
        self._arena(lambda tx: registry.stake(self._state, tx, arena, agent_id), amount)

    def request_unstake(self, agent_id: int, amount: int) -> None:
        arena = self.addresses.arena
        self._arena(lambda tx: registry.request_unstake(self._state, tx, arena, agent_id, amount))

    def finalize_unstake(self, agent_id: int) -> None:
        arena = self.addresses.arena
        self._arena(lambda tx: registry.finalize_unstake(self._state, tx, arena, agent_id))

    # -- leagues and rounds ---------------------------------------------------------------------

    def create_league(self, config: LeagueConfig, reward_pool: int = 0) -> int:
        arena, code = self.addresses.arena, self.world.code
        return self._arena(
            lambda tx: leagues.create_league(self._state, tx, arena, code, config), reward_pool
        )

    def fund_league(self, league_id: int, amount: int) -> None:
        arena = self.addresses.arena
        self._arena(lambda tx: leagues.fund_league(self._state, tx, arena, league_id), amount)

    def open_round(self, league_id: int) -> int:
        arena = self.addresses.arena
        return self._arena(lambda tx: leagues.open_round(self._state, tx, arena, league_id))

    def fix_seed(self, round_id: int) -> bytes:
        arena, ledger = self.addresses.arena, self.world.ledger
        return self._arena(lambda tx: leagues.fix_seed(self._state, tx, arena, ledger, round_id))

    # -- claims, settlement, withdrawals --------------------------------------------------------

    def submit_claim(
        self, round_id: int, agent_id: int, claim_root: bytes, scores: Sequence[int]
    ) -> int:
        arena = self.addresses.arena
        return self._arena(
            lambda tx: claims.submit_claim(
                self._state, tx, arena, round_id, agent_id, claim_root, list(scores)
            )
        )

    def settle_round(self, round_id: int, batch: Sequence[ClaimOpening]) -> None:
        arena = self.addresses.arena
        self._arena(lambda tx: claims.settle_round(self._state, tx, arena, round_id, batch))

    def withdraw(self, amount: int) -> None:
        arena = self.addresses.arena
        with self.world.lock:
            paid = self._arena(lambda tx: claims.withdraw(self._state, tx, arena, amount))
            self.world.ledger.pay(arena, self.address, paid)

    # -- dispute moves --------------------------------------------------------------------------

    def challenge(self, claim_id: int, match_index: int, bond: int) -> int:
        game = self.world.game
        return self._game(lambda tx: game.challenge(tx, claim_id, match_index), bond)

    def reveal_summary(
        self,
        dispute_id: int,
        claim_root: bytes,
        scores: Sequence[int],
        summary: Summary,
        proof: Sequence[bytes],
    ) -> None:
        game = self.world.game
        self._game(
            lambda tx: game.reveal_summary(tx, dispute_id, claim_root, scores, summary, proof)
        )

    def reveal_final(self, dispute_id: int, entry: Entry, proof: Sequence[bytes]) -> None:
        game = self.world.game
        self._game(lambda tx: game.reveal_final(tx, dispute_id, entry, proof))

    def prove_final_state_fraud(self, dispute_id: int, final_state: bytes) -> None:
        game = self.world.game
        self._game(lambda tx: game.prove_final_state_fraud(tx, dispute_id, bytes(final_state)))

    def reveal_midpoint(self, dispute_id: int, entry: Entry, proof: Sequence[bytes]) -> None:
        game = self.world.game
        self._game(lambda tx: game.reveal_midpoint(tx, dispute_id, entry, proof))

    def answer(self, dispute_id: int, agree: bool) -> None:
        game = self.world.game
        self._game(lambda tx: game.answer(tx, dispute_id, agree))

    def prove_step(
        self, dispute_id: int, lo_entry: Entry, entry: Entry, pre_state: bytes, code: bytes
    ) -> None:
        game = self.world.game
        self._game(
            lambda tx: game.prove_step(
                tx, dispute_id, lo_entry, entry, bytes(pre_state), bytes(code)
            )
        )

    def timeout(self, dispute_id: int) -> None:
        game = self.world.game
        self._game(lambda tx: game.timeout(tx, dispute_id))

    def dismiss(self, dispute_id: int) -> None:
        game = self.world.game
        self._game(lambda tx: game.dismiss(tx, dispute_id))

    # -- views ----------------------------------------------------------------------------------

    def agent(self, agent_id: int) -> AgentInfo:
        found = self._state.agents.get(agent_id)
        return (found or Agent(ZERO_ADDRESS, 0, 0, bytes(32))).info()

    def league(self, league_id: int) -> LeagueInfo:
        found = self._state.leagues.get(league_id)
        if found is None:
            empty = LeagueConfig(ZERO_ADDRESS, b"", 0, 0, 0, 0, 0, 0, (), 0, 0, 0)
            found = League(empty, ZERO_ADDRESS, 0)
        return found.info()

    def round(self, round_id: int) -> RoundInfo:
        return (self._state.rounds.get(round_id) or Round(0, 0, 0, 0)).info()

    def dispute(self, dispute_id: int) -> DisputeInfo:
        found = self._state.disputes.get(dispute_id)
        if found is None:
            found = Dispute(ZERO_ADDRESS, 0, 0, 0, ZERO_ADDRESS, 0, 0, phase=Phase.NONE)
            found.lo, found.lo_leaf, found.mid_leaf = 0, bytes(32), bytes(32)
        return found.info()

    def agent_code(self, agent_id: int) -> bytes | None:
        return registry.registered_code(self._state, self.world.ledger.codes, agent_id)

    def claim_commit(self, claim_id: int) -> bytes:
        return self._state.claim_commit.get(claim_id, bytes(32))

    def is_held(self, claim_id: int) -> bool:
        return claim_id in self._state.held

    def held_reward(self, claim_id: int) -> int:
        return self._state.held.get(claim_id, 0)

    def is_disqualified(self, agent_id: int, league_id: int) -> bool:
        return (agent_id, league_id) in self._state.disqualified

    def balance_of(self, account: str) -> int:
        return self._state.balance_of.get(to_checksum_address(account), 0)

    def match_seed(self, round_id: int, agent_id: int, match_index: int) -> bytes:
        found = self._state.rounds.get(round_id)
        seed = found.seed if found is not None else bytes(32)
        return keccak256(seed + agent_id.to_bytes(32, "big") + match_index.to_bytes(32, "big"))

    def midpoint(self, dispute_id: int) -> int:
        self.world.lock.refresh()
        return self.world.game.midpoint(dispute_id)

    def first_open_dispute(self, claim_id: int) -> int:
        return self.world.game.first_open_dispute(claim_id)

    def counts(self) -> tuple[int, int, int, int]:
        """(agentCount, leagueCount, roundCount, disputeCount)."""
        s = self._state
        return s.agent_count, s.league_count, s.round_count, s.dispute_count

    def unstake_delay(self) -> int:
        return self._state.unstake_delay


def connect(url: str | None = None, *, signer: Signer | None = None) -> MemoryChain:
    """The ``memory`` entry point of ``nets.chain_adapters`` (no URL: the chain is embedded)."""
    del url
    return MemoryChain(signer=signer)
