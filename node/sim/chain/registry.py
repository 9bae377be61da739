"""chain_cards registry: agent cards written through to an AgentCards contract.

Cards go on chain (capability and metadata hashes, one transaction per change); lookups by
capability are served from the provider's index of what it wrote, which is what the
contract's CardSet/CardRemoved events say. Semantics and trace lines are in_memory's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from adapters.errors import ChainError
from node.sim.chain.ops import CardOps, agent_key, name_key
from node.sim.chain.session import run_chain
from node.sim.layers import AgentCard, LayerError, PluginEnv

MAX_CAPABILITIES = 32


class ChainCards:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._contract: CardOps | None = None
        self.cards: dict[str, AgentCard] = {}
        self._by_capability: dict[str, dict[str, None]] = {}

    @property
    def contract(self) -> CardOps:
        if self._contract is None:
            self._contract = run_chain(self._env).cards()
        return self._contract

    def for_agent(self, agent_id: str) -> CardsView:
        return CardsView(self, agent_id)

    def _set(self, card: AgentCard) -> None:
        meta = json.dumps(dict(card.metadata), sort_keys=True, separators=(",", ":"))
        try:
            self.contract.set_card(
                agent_key(card.agent_id), [name_key(c) for c in card.capabilities], name_key(meta)
            )
        except ChainError as exc:
            raise LayerError(f"card refused by the registry: {exc.name}") from None
        self._drop(card.agent_id)
        self.cards[card.agent_id] = card
        for cap in card.capabilities:
            self._by_capability.setdefault(cap, {})[card.agent_id] = None

    def _remove(self, agent_id: str) -> None:
        if agent_id in self.cards:
            self.contract.remove_card(agent_key(agent_id))
            self._drop(agent_id)

    def _drop(self, agent_id: str) -> None:
        card = self.cards.pop(agent_id, None)
        if card is not None:
            for cap in card.capabilities:
                self._by_capability.get(cap, {}).pop(agent_id, None)


class CardsView:
    __slots__ = ("_agent_id", "_reg")

    def __init__(self, registry: ChainCards, agent_id: str) -> None:
        self._reg = registry
        self._agent_id = agent_id

    def register(
        self, capabilities: Sequence[str], metadata: Mapping[str, str] | None = None
    ) -> AgentCard:
        caps = tuple(dict.fromkeys(str(c) for c in capabilities))
        if not caps or any(not c or len(c) > 128 for c in caps):
            raise LayerError("capabilities must be 1..128 character names")
        if len(caps) > MAX_CAPABILITIES:
            raise LayerError(f"at most {MAX_CAPABILITIES} capabilities per card")
        card = AgentCard(
            self._agent_id, caps, {str(k): str(v) for k, v in (metadata or {}).items()}
        )
        self._reg._set(card)
        self._reg._env.emit(self._agent_id, "register", {"capabilities": list(caps)})
        return card

    def lookup(self, capability: str) -> list[AgentCard]:
        ids = self._reg._by_capability.get(capability, {})
        return [self._reg.cards[a] for a in ids]

    def deregister(self) -> None:
        self._reg._remove(self._agent_id)
        self._reg._env.emit(self._agent_id, "deregister", {})
