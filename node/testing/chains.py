"""The chains a test runs on: the memory chain copied from one deployed template, and one anvil
per test session with the Arena deployed, reverted to its snapshot after every test.

Both start at the same time and keep a clock that stands still between explicit moves, so
``mine`` and ``advance`` give the same block numbers and the same block times on either: the
memory chain's manual clock does that already, and the session anvil is told to (genesis at the
memory chain's start time, ``anvil_setBlockTimestampInterval 0``: every block carries the time
of the one before it unless advanced). Without that, anvil's blocks follow the wall clock: a
test that asserts a deadline passes on memory and drifts on anvil, and anvil's block hashes
(hence round seeds) change from run to run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.anvil import DEFAULT_KEYS, Anvil
from adapters.arena_ops import ArenaAddresses
from adapters.base import ArenaAdapter
from adapters.keys import Signer, anvil_account
from adapters.memory import MemoryChain, World, new_world
from adapters.memory.ledger import DEFAULT_START_TIME
from adapters.web3chain import Web3Chain


def dev_accounts() -> tuple[Signer, ...]:
    """The funded dev accounts (anvil's default mnemonic; 10,000 ether each on both chains)."""
    return tuple(anvil_account(i) for i in range(len(DEFAULT_KEYS)))


class StillClockChain(Web3Chain):
    """A Web3Chain on an anvil whose clock stands still (``anvil_setBlockTimestampInterval 0``).

    ``evm_increaseTime`` has no effect under a timestamp interval, so ``increase_time`` sets
    the next block's timestamp exactly instead: one block, ``seconds`` after the last, as the
    memory chain's manual clock makes it. ``with_signer`` keeps the class, so the node's roles
    moving time through any handle get the same."""

    def increase_time(self, seconds: int) -> None:
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.set_next_block_timestamp(self.block_time() + seconds)
        self.mine()


@dataclass
class DeployedAnvil:
    """An anvil with the Arena set deployed from account 0 at nonce 0 (so the addresses are
    the memory chain's), its clock standing still, and the snapshot tests revert to."""

    node: Anvil
    chain: StillClockChain
    snapshot: str

    @classmethod
    def start(cls) -> DeployedAnvil:
        from adapters.select import deploy_arena

        node = Anvil(timestamp=DEFAULT_START_TIME).start()
        try:
            node.rpc("anvil_setBlockTimestampInterval", 0)
            chain = StillClockChain(node.url, anvil_account(0))
            deploy_arena(chain)
            return cls(node, chain, chain.snapshot())
        except BaseException:
            node.stop()
            raise

    def reset(self) -> None:
        """Back to the freshly deployed state; the snapshot is consumed, so take it again."""
        self.chain.revert_to(self.snapshot)
        self.snapshot = self.chain.snapshot()

    def stop(self) -> None:
        self.node.stop()


@dataclass
class MemoryTemplate:
    """One deployed memory chain; every test gets a copy (``World.copy``), not a new deployment
    (building a world loads every system and derives the planned addresses: over a hundred
    times the cost of copying one, docs/benchmarks/test_chains.md)."""

    world: World = field(default_factory=new_world)

    def fresh(self) -> MemoryChain:
        return MemoryChain(self.world.copy())


@dataclass
class NetsChain:
    """What the ``nets_chain`` fixture gives a test: the adapter (sending as dev account 0),
    which kind it is, and time control that behaves the same on every kind."""

    kind: str
    """"memory" or "anvil"."""
    adapter: ArenaAdapter

    @property
    def addresses(self) -> ArenaAddresses:
        return self.adapter.addresses

    def as_account(self, index: int) -> ArenaAdapter:
        """The same chain sending as dev account ``index`` (0 to 9)."""
        return self.adapter.with_signer(anvil_account(index))

    def block_number(self) -> int:
        return self.adapter.block_number()

    def block_time(self) -> int:
        return self.adapter.block_time()

    def mine(self, blocks: int = 1) -> None:
        """Exactly ``blocks`` new blocks, carrying the current time (the clock stands still)."""
        if blocks < 0:
            raise ValueError("blocks: must be 0 or more")
        self.adapter.mine(blocks)

    def advance(self, seconds: int) -> None:
        """One new block exactly ``seconds`` after the latest one."""
        self.adapter.increase_time(seconds)
