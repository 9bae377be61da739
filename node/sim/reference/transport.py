"""in_memory transport: fixed per-hop latency plus optional uniform jitter, in ticks."""

from __future__ import annotations

import random

from node.sim.layers import PluginEnv
from node.sim.rng import derive_seed


class InMemoryTransport:
    """Latency from the scenario's ``network`` section; jitter draws from its own stream."""

    def __init__(self, env: PluginEnv) -> None:
        self._latency = int(env.config.get("latency", 1))
        self._jitter = int(env.config.get("jitter", 0))
        if self._latency < 1 or self._jitter < 0:
            raise ValueError("latency must be >= 1 and jitter >= 0")
        self.constant_delay: int | None = self._latency if self._jitter == 0 else None
        self._rng = random.Random(derive_seed(env.seed, "transport", env.plugin))

    def delay(self, sender: str, recipient: str, size: int) -> int:
        return self._latency + self._rng.randint(0, self._jitter)

    def for_agent(self, agent_id: str) -> InMemoryLink:
        return InMemoryLink(self)


class InMemoryLink:
    __slots__ = ("_provider",)

    def __init__(self, provider: InMemoryTransport) -> None:
        self._provider = provider

    def latency_to(self, recipient: str, size: int) -> int:
        """Expected delay of the next message (latency plus mean jitter)."""
        p = self._provider
        return p._latency + p._jitter // 2
