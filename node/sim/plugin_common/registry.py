"""What every shared-directory registry plugin shares: the capability check, the card index
and the per-agent view.

The index keeps each capability's agents in registration order, so lookups (and the traces
built on them) are the same whichever plugin holds the cards. A plugin that also writes cards
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

    def _lookup(self, capability: str) -> list[AgentCard]:
        return [self.cards[a] for a in self._by_capability.get(capability, {})]

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

    def _remove(self, agent_id: str) -> None:
        self._drop(agent_id)

    def _drop(self, agent_id: str) -> None:
        card = self.cards.pop(agent_id, None)
        if card is not None:
            for cap in card.capabilities:
                self._by_capability.get(cap, {}).pop(agent_id, None)


C = TypeVar("C", bound=CardIndex)


class AgentCardsView(AgentView[C]):
    """One agent's Registry layer over a shared card index."""

    __slots__ = ()

    def register(
        self, capabilities: Sequence[str], metadata: Mapping[str, str] | None = None
    ) -> AgentCard:
        return self._run._register(self._agent_id, capabilities, metadata)

    def lookup(self, capability: str) -> list[AgentCard]:
        return self._run._lookup(capability)

    def deregister(self) -> None:
        self._run._deregister(self._agent_id)
