"""chain_cards registry: agent cards written through to an AgentCards contract.

Cards go on chain (capability and metadata hashes, one transaction per change); lookups by
capability are served from the provider's index of what it wrote, which is what the
contract's CardSet/CardRemoved events say. Semantics and trace lines are in_memory's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property

from adapters.errors import ChainError
from node.sim.chain.ops import CardOps, agent_key, name_key
from node.sim.chain.session import run_chain
from node.sim.layers import AgentCard, LayerError
from node.sim.plugin_common.registry import AgentCardsView, CardIndex

MAX_CAPABILITIES = 32


class ChainCards(CardIndex):
    @cached_property
    def contract(self) -> CardOps:
        return run_chain(self._env).cards

    def for_agent(self, agent_id: str) -> CardsView:
        return CardsView(self, agent_id)

    def _card(
        self, agent_id: str, caps: tuple[str, ...], metadata: Mapping[str, str] | None
    ) -> AgentCard:
        if len(caps) > MAX_CAPABILITIES:
            raise LayerError(f"at most {MAX_CAPABILITIES} capabilities per card")
        return AgentCard(agent_id, caps, {str(k): str(v) for k, v in (metadata or {}).items()})

    def _set(self, card: AgentCard) -> None:
        meta = json.dumps(dict(card.metadata), sort_keys=True, separators=(",", ":"))
        try:
            self.contract.set_card(
                agent_key(card.agent_id), [name_key(c) for c in card.capabilities], name_key(meta)
            )
        except ChainError as exc:
            raise LayerError(f"card refused by the registry: {exc.name}") from None
        super()._set(card)

    def _remove(self, agent_id: str) -> None:
        if agent_id in self.cards:
            self.contract.remove_card(agent_key(agent_id))
            self._drop(agent_id)


class CardsView(AgentCardsView[ChainCards]):
    __slots__ = ()
