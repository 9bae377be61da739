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
        self._credits: LedgerOps | None = None
        self._stakes: LedgerOps | None = None
        self._cards: CardOps | None = None

    def credits(self) -> LedgerOps:
        if self._credits is None:
            self._credits = self.contracts.deploy_ledger()
        return self._credits

    def stakes(self) -> LedgerOps:
        if self._stakes is None:
            self._stakes = self.contracts.deploy_ledger()
        return self._stakes

    def cards(self) -> CardOps:
        if self._cards is None:
            self._cards = self.contracts.deploy_cards()
        return self._cards


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
