"""What every shared-directory registry plugin shares: the capability check, the card index
and the per-agent view.

The index keeps each capability's agents in registration order, so lookups (and the traces
built on them) are the same whichever plugin holds the cards. A lookup returns a tuple kept
until that capability's cards change: agents look up far more often than sellers register,
and rebuilding the list on every lookup made each one cost O(sellers of the item), the cost
that grew with the number of agents in the 100,000-agent marketplace. A plugin that also writes cards
elsewhere (a contract) overrides ``_card``, ``_set`` and ``_remove``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from node.sim.layers import AgentCard, LayerError, PluginEnv
from node.sim.plugin_common.view import AgentView

MAX_NAME = 128


def check_capabilities(capabilities: Sequence[str]) -> tuple[str, ...]:
    """The capability names without repeats, in order; refused unless each is 1..128 characters."""
    caps = tuple(dict.fromkeys(str(c) for c in capabilities))
    if not caps or any(not c or len(c) > MAX_NAME for c in caps):
        raise LayerError("capabilities must be 1..128 character names")
    return caps


class CardIndex:
    """The run's agent cards, indexed by capability; an agent registers or removes only its own."""

    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self.cards: dict[str, AgentCard] = {}
        self._by_capability: dict[str, dict[str, None]] = {}
        # each looked-up capability's cards, built on the first lookup after a change
        self._listed: dict[str, tuple[AgentCard, ...]] = {}
        self.rebuilds = 0  # how many times a lookup had to build its tuple

    def _register(
        self, agent_id: str, capabilities: Sequence[str], metadata: Mapping[str, str] | None
    ) -> AgentCard:
        caps = check_capabilities(capabilities)
        card = self._card(agent_id, caps, metadata)
        self._set(card)
        self._env.emit(agent_id, "register", {"capabilities": list(caps)})
        return card

    def _deregister(self, agent_id: str) -> None:
        self._remove(agent_id)
        self._env.emit(agent_id, "deregister", {})

    def _lookup(self, capability: str) -> tuple[AgentCard, ...]:
        listed = self._listed.get(capability)
        if listed is None:
            cards = self.cards
            listed = tuple(cards[a] for a in self._by_capability.get(capability, {}))
            self._listed[capability] = listed
            self.rebuilds += 1
        return listed

    def _card(
        self, agent_id: str, caps: tuple[str, ...], metadata: Mapping[str, str] | None
    ) -> AgentCard:
        """The card to keep for checked capabilities; a plugin adds its own limits here."""
        return AgentCard(agent_id, caps, dict(metadata or {}))

    def _set(self, card: AgentCard) -> None:
        self._drop(card.agent_id)
        self.cards[card.agent_id] = card
        for cap in card.capabilities:
            self._by_capability.setdefault(cap, {})[card.agent_id] = None
            self._listed.pop(cap, None)

    def _remove(self, agent_id: str) -> None:
        self._drop(agent_id)

    def _drop(self, agent_id: str) -> None:
        card = self.cards.pop(agent_id, None)
        if card is not None:
            for cap in card.capabilities:
                self._by_capability.get(cap, {}).pop(agent_id, None)
                self._listed.pop(cap, None)


C = TypeVar("C", bound=CardIndex)


class AgentCardsView(AgentView[C]):
    """One agent's Registry layer over a shared card index."""

    __slots__ = ()

    def register(
        self, capabilities: Sequence[str], metadata: Mapping[str, str] | None = None
    ) -> AgentCard:
        return self._run._register(self._agent_id, capabilities, metadata)

    def lookup(self, capability: str) -> tuple[AgentCard, ...]:
        return self._run._lookup(capability)

    def deregister(self) -> None:
        self._run._deregister(self._agent_id)
