"""Which chain a run's chain-backed plugins use, and the contracts they share in that run.

The engine builds each layer's provider separately and passes no chain, so the providers of
one run meet here: ``run_chain(env)`` keys on the run (the owner of ``env.now``) and deploys
fresh contracts for it on first use, on the chain ``use_chain`` selected, else on a new
MemoryChain. Fresh contracts per run keep a run's trace a function of its seed alone.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from node.sim.chain.ops import CardOps, LedgerOps, SimContracts, sim_contracts
from node.sim.layers import PluginEnv

_active: list[Any] = []
_runs: dict[int, RunChain] = {}


@contextmanager
def use_chain(adapter: Any) -> Iterator[None]:
    """Runs started inside deploy their sim contracts on ``adapter`` (a chain adapter)."""
    _active.append(adapter)
    try:
        yield
    finally:
        _active.remove(adapter)


class RunChain:
    """One run's sim contracts, each deployed the first time a plugin needs it."""

    def __init__(self, contracts: SimContracts) -> None:
        self.contracts = contracts

    @cached_property
    def credits(self) -> LedgerOps:
        return self.contracts.deploy_ledger()

    @cached_property
    def stakes(self) -> LedgerOps:
        return self.contracts.deploy_ledger()

    @cached_property
    def cards(self) -> CardOps:
        return self.contracts.deploy_cards()


def run_chain(env: PluginEnv) -> RunChain:
    """The sim contracts of the run ``env`` belongs to."""
    owner = getattr(env.now, "__self__", env.now)
    key = id(owner)
    found = _runs.get(key)
    if found is None:
        if _active:
            adapter = _active[-1]
        else:
            from adapters.memory import MemoryChain

            adapter = MemoryChain()
        found = _runs[key] = RunChain(sim_contracts(adapter))
        weakref.finalize(owner, _runs.pop, key, None)
    return found
