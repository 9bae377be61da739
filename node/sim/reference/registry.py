"""in_memory registry: one shared directory of agent cards, indexed by capability.

An agent can only register or remove its own card.
"""

from __future__ import annotations

from node.sim.plugin_common.registry import AgentCardsView, CardIndex


class InMemoryRegistry(CardIndex):
    def for_agent(self, agent_id: str) -> RegistryView:
        return RegistryView(self, agent_id)


class RegistryView(AgentCardsView[InMemoryRegistry]):
    __slots__ = ()
