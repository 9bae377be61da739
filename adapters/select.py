"""Which chain the node talks to: ``--chain memory|anvil|<name>|http(s)://...`` or $NETS_CHAIN.

- ``memory`` (the default): the embedded MemoryChain, nothing to start; it lives as long as
  the process. ``memory:FILE`` keeps the chain in FILE (a new one if absent), durable per
  transaction (adapters.memory.durable), so a local league survives across commands, crashes
  included, and several processes may share it.
  ``memory:db`` keeps it in the node's database instead (node.db.memory_chain; only the
  commands that open a database take it).
- ``anvil``: a throwaway anvil on a free loopback port with the Arena set deployed; it stops
  when the returned ``OpenedChain`` is closed.
- an ``http://`` or ``https://`` URL: a Web3Chain on that endpoint, bound to the Arena set
  recorded for its chain id in the deployments file (``nets chain up`` writes it).
- any other name: the ``nets.chain_adapters`` entry point of that name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from adapters.anvil import Anvil
from adapters.base import ArenaAdapter, adapter_factory
from adapters.errors import AdapterError

if TYPE_CHECKING:
    from adapters.deploy import ContractSet
    from adapters.keys import Signer
    from adapters.web3chain import Web3Chain

CHAIN_ENV = "NETS_CHAIN"
DEFAULT_CHAIN = "memory"
MEMORY_IN_DB = "memory:db"
RPC_SCHEMES = ("http://", "https://", "ws://", "wss://", "ipc://")
"""--chain values that are endpoint URLs (web3's HTTP, WebSocket and IPC providers)."""
ARENA_SOURCE_DIRS = ("arena", "interfaces", "lib", "systems", "wasm")


def chain_spec(option: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """--chain, else $NETS_CHAIN, else memory."""
    env = os.environ if env is None else env
    return (option or env.get(CHAIN_ENV) or DEFAULT_CHAIN).strip()


@dataclass
class OpenedChain:
    """An adapter and what must be stopped with it (the throwaway anvil, if any)."""

    adapter: ArenaAdapter
    spec: str
    anvil: Anvil | None = field(default=None)
    save: Callable[[], None] | None = field(default=None)

    def close(self) -> None:
        if self.save is not None:
            save, self.save = self.save, None
            save()
        if self.anvil is not None:
            self.anvil.stop()
            self.anvil = None

    def __enter__(self) -> OpenedChain:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def arena_contract_set() -> ContractSet:
    """The Arena's contracts compiled as one set (cached on disk by source hash)."""
    from adapters.build import CONTRACTS_DIR, compile_contracts, load_sources
    from adapters.deploy import ContractSet, source_hash

    sources: dict[str, str] = {}
    for directory in ARENA_SOURCE_DIRS:
        sources.update(load_sources(CONTRACTS_DIR / directory))
    return ContractSet(compile_contracts(sources), source_hash(sources), sources)


def deploy_arena(chain: Web3Chain, contract_set: ContractSet | None = None) -> None:
    """Deploy the default plan (the Arena set) on ``chain`` and bind every contract."""
    from adapters.deploy import DEPLOY_PLAN, deploy

    deploy(chain, list(DEPLOY_PLAN), contract_set or arena_contract_set())


def bind_recorded(chain: Web3Chain, contract_set: ContractSet | None = None) -> None:
    """Bind the Arena set recorded for ``chain``'s id in the deployments file, with the ABIs
    recorded beside it (nothing is compiled: a command does not compile contracts it does not
    deploy); a record written before ABIs were kept is bound from the compiled Arena set."""
    from adapters.deploy import CREATED_BY, _bind_created
    from adapters.deployments import DeploymentsFile

    record = DeploymentsFile().get(chain.chain_id)
    if record is None or "Arena" not in record.contracts:
        raise AdapterError(
            f"no Arena deployment recorded for chain {chain.chain_id} (run `nets chain up`)"
        )
    if contract_set is None and set(record.contracts) | set(CREATED_BY) <= set(record.abis):
        for name, entry in record.contracts.items():
            chain.bind(name, entry.address, record.abis[name])
        for name, (creator, getter) in CREATED_BY.items():
            chain.bind(name, chain.call(creator, getter), record.abis[name])
        return
    contract_set = contract_set or arena_contract_set()
    for name, entry in record.contracts.items():
        artifact = contract_set.artifacts.get(name)
        if artifact is not None:
            chain.bind(name, entry.address, artifact.abi)
    _bind_created(chain, contract_set)


def signer_for(
    signer: Signer | None, chain_id: int, env: Mapping[str, str] | None = None
) -> Signer:
    """``signer``, else the node's key as ``resolve_signer`` finds it ($NETS_KEYSTORE,
    $NETS_PRIVATE_KEY, anvil's account 0 on chain 31337): the same rule for every adapter, so
    the memory chain honours $NETS_PRIVATE_KEY exactly as an RPC endpoint does."""
    from adapters.keys import resolve_signer

    return signer or resolve_signer(chain_id=chain_id, env=env)


def open_chain(
    option: str | None = None,
    *,
    signer: Signer | None = None,
    env: Mapping[str, str] | None = None,
) -> OpenedChain:
    """The adapter ``--chain``/$NETS_CHAIN names, ready for Arena operations."""
    from adapters.memory import MemoryChain

    spec = chain_spec(option, env)
    if spec == "memory":
        chain = MemoryChain()
        return OpenedChain(chain.with_signer(signer_for(signer, chain.chain_id, env)), spec)
    if spec == MEMORY_IN_DB:
        raise AdapterError(
            f"{MEMORY_IN_DB} keeps the chain in the node's database: only the commands with "
            "--db take it (nets league, agent, submit, verify); use memory:FILE here"
        )
    if spec.startswith("memory:"):
        from pathlib import Path

        from adapters.memory.durable import FileStore

        store = FileStore(Path(spec.removeprefix("memory:")).expanduser())
        world = store.open()
        sender = signer_for(signer, world.ledger.chain_id, env)
        return OpenedChain(MemoryChain(world, signer=sender), spec, save=store.close)
    if spec == "anvil":
        from adapters.keys import anvil_account
        from adapters.web3chain import Web3Chain  # here only: web3 costs 0.4 CPU-s to import

        node = Anvil().start()
        try:
            deployer = Web3Chain(node.url, anvil_account(0))  # the planned addresses
            deploy_arena(deployer)
            sender = signer_for(signer, deployer.chain_id, env)
            chain = deployer if sender.address == deployer.address else deployer.with_signer(sender)
        except BaseException:
            node.stop()
            raise
        return OpenedChain(chain, spec, node)
    if spec.startswith(RPC_SCHEMES):
        from adapters.web3chain import Web3Chain

        chain = Web3Chain(spec)
        chain.signer = signer_for(signer, chain.chain_id, env)
        bind_recorded(chain)
        return OpenedChain(chain, spec)
    adapter = adapter_factory(spec)(None, signer=signer)
    if not isinstance(adapter, ArenaAdapter):
        raise AdapterError(f"chain adapter {spec!r} has no Arena operations")
    return OpenedChain(adapter, spec)
