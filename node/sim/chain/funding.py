"""Batched funding: every agent a chain plugin meets gets the same deposit on a SimLedger.

Agents are enlisted as they appear and deposited together, in one transaction, when the next
read or write needs them, so a run costs one deposit per wave of newcomers, not one per agent.
"""

from __future__ import annotations

from collections.abc import Callable

from node.sim.chain.ops import LedgerOps, agent_key


class Newcomers:
    """Agents waiting for their deposit and those already funded, in order of appearance."""

    def __init__(self, ledger: Callable[[], LedgerOps], amount: int) -> None:
        self._ledger = ledger  # called only when a deposit is due, so the contract deploys lazily
        self.amount = amount
        self.funded: set[str] = set()
        self._pending: dict[str, None] = {}

    def enlist(self, agent_id: str) -> None:
        if agent_id not in self.funded:
            self._pending[agent_id] = None

    def waiting(self, agent_id: str) -> bool:
        return agent_id in self._pending

    def flush(self) -> list[str]:
        """Fund every agent enlisted since the last flush in one deposit; returns them."""
        agents = list(self._pending)
        if agents:
            self._ledger().deposit([agent_key(a) for a in agents], self.amount)
            self.funded.update(agents)
            self._pending.clear()
        return agents
