"""Layer plugins written against Nanda Town's plugin API (async methods, its argument and
result shapes, registered under ``nest.plugins.<layer>``), for the adapter tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CALLS: dict[str, int] = {}


def _count(name: str) -> None:
    CALLS[name] = CALLS.get(name, 0) + 1


@dataclass
class ReputationScore:
    agent_id: str
    score: float
    confidence: float = 0.0
    sample_count: int = 0


class DictRegistry:
    """Registry: register(card), lookup(query) -> cards, deregister(agent)."""

    def __init__(self) -> None:
        self.cards: dict[str, Any] = {}

    async def register(self, card: Any) -> None:
        _count("register")
        self.cards[card.agent_id] = card

    async def lookup(self, query: Any) -> list[Any]:
        _count("lookup")
        wanted = set(query.capabilities)
        return [c for c in self.cards.values() if wanted <= set(c.capabilities)]

    async def deregister(self, agent: str) -> None:
        self.cards.pop(agent, None)


class CountingTrust:
    """Trust: the share of positive evidence, 0.5 before any."""

    def __init__(self) -> None:
        self.seen: dict[str, list[bool]] = {}

    async def score(self, agent: str) -> ReputationScore:
        _count("score")
        votes = self.seen.get(agent, [])
        value = sum(votes) / len(votes) if votes else 0.5
        return ReputationScore(agent, value, sample_count=len(votes))

    async def report(self, agent: str, evidence: Any) -> None:
        _count("report")
        self.seen.setdefault(agent, []).append(evidence.kind == "positive")


class SharedLedger:
    """Payments: one instance per agent over a shared balance table, as Nanda Town builds
    prepaid_credits."""

    def __init__(
        self,
        agent_id: str,
        initial_balance: int = 0,
        balances: dict[str, int] | None = None,
        payments: dict[str, Any] | None = None,
    ) -> None:
        self.agent = agent_id
        self.balances = balances if balances is not None else {}
        self.payments = payments if payments is not None else {}

    def balance(self, agent: str) -> int:
        return self.balances[agent]

    async def pay(self, to: str, amount: Any, ref: str) -> dict[str, Any]:
        _count("pay")
        if ref in self.payments:
            raise ValueError(f"duplicate payment ref {ref}")
        if self.balances[self.agent] < amount.amount:
            raise ValueError("insufficient funds")
        self.balances[self.agent] -= amount.amount
        self.balances[to] += amount.amount
        self.payments[ref] = (self.agent, to, amount.amount)
        return {"ref": ref}


class WaitsOnIo:
    """A trust plugin that really awaits: refused by the adapter, visibly."""

    async def score(self, agent: str) -> float:
        import asyncio

        await asyncio.sleep(0)
        return 1.0

    async def report(self, agent: str, evidence: Any) -> None:
        return None
