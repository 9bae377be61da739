"""in_memory registry: one shared directory of agent cards, indexed by capability.

An agent can only register or remove its own card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from node.sim.layers import AgentCard, LayerError, PluginEnv


class InMemoryRegistry:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self.cards: dict[str, AgentCard] = {}
        self._by_capability: dict[str, dict[str, None]] = {}

    def for_agent(self, agent_id: str) -> RegistryView:
        return RegistryView(self, agent_id)

    def _remove(self, agent_id: str) -> None:
        card = self.cards.pop(agent_id, None)
        if card is not None:
            for cap in card.capabilities:
                self._by_capability.get(cap, {}).pop(agent_id, None)


class RegistryView:
    __slots__ = ("_agent_id", "_reg")

    def __init__(self, registry: InMemoryRegistry, agent_id: str) -> None:
        self._reg = registry
        self._agent_id = agent_id

    def register(
        self, capabilities: Sequence[str], metadata: Mapping[str, str] | None = None
    ) -> AgentCard:
        caps = tuple(dict.fromkeys(str(c) for c in capabilities))
        if not caps or any(not c or len(c) > 128 for c in caps):
            raise LayerError("capabilities must be 1..128 character names")
        card = AgentCard(self._agent_id, caps, dict(metadata or {}))
        self._reg._remove(self._agent_id)
        self._reg.cards[self._agent_id] = card
        for cap in caps:
            self._reg._by_capability.setdefault(cap, {})[self._agent_id] = None
        self._reg._env.emit(self._agent_id, "register", {"capabilities": list(caps)})
        return card

    def lookup(self, capability: str) -> list[AgentCard]:
        ids = self._reg._by_capability.get(capability, {})
        return [self._reg.cards[a] for a in ids]

    def deregister(self) -> None:
        self._reg._remove(self._agent_id)
        self._reg._env.emit(self._agent_id, "deregister", {})
