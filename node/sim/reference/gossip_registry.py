"""gossip registry: every agent keeps its own view of the directory; views spread by gossip.

Unlike ``in_memory`` (one shared index), a lookup here only sees the cards this agent has
registered or learned, so a partition really hides sellers until it heals. The plugin does not
send messages (plugins have no context); agents carry ``digest()`` in their own messages and
``merge()`` what peers send, and every newly learned card is a ``learn`` trace event, which
is the evidence that discovery happened before use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from node.sim.layers import AgentCard, PluginEnv
from node.sim.plugin_common.registry import check_capabilities

MAX_CARDS_PER_MERGE = 10_000


class GossipRegistry:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self.views: dict[str, dict[str, AgentCard]] = {}

    def for_agent(self, agent_id: str) -> GossipView:
        return GossipView(self, agent_id)


class GossipView:
    """One agent's directory: Registry protocol plus digest/merge for gossip."""

    __slots__ = ("_agent_id", "_env", "_view")

    def __init__(self, registry: GossipRegistry, agent_id: str) -> None:
        self._agent_id = agent_id
        self._env = registry._env
        self._view = registry.views.setdefault(agent_id, {})

    def register(
        self, capabilities: Sequence[str], metadata: Mapping[str, str] | None = None
    ) -> AgentCard:
        caps = check_capabilities(capabilities)
        card = AgentCard(self._agent_id, caps, dict(metadata or {}))
        self._view[self._agent_id] = card
        self._env.emit(self._agent_id, "register", {"capabilities": list(caps)})
        return card

    def lookup(self, capability: str) -> list[AgentCard]:
        return [c for c in self._view.values() if capability in c.capabilities]

    def deregister(self) -> None:
        self._view.pop(self._agent_id, None)
        self._env.emit(self._agent_id, "deregister", {})

    def digest(self) -> list[list[Any]]:
        """The view as JSON-ready ``[agent_id, [capabilities]]`` pairs, in learning order."""
        return [[c.agent_id, list(c.capabilities)] for c in self._view.values()]

    def merge(self, sender: str, digest: Any) -> int:
        """Learn the cards of a peer's digest that this view lacks; malformed entries are skipped."""
        if not isinstance(digest, list):
            return 0
        learned = 0
        for entry in digest[:MAX_CARDS_PER_MERGE]:
            if not (isinstance(entry, list) and len(entry) == 2):
                continue
            agent_id, caps = entry
            if (
                not isinstance(agent_id, str)
                or agent_id in self._view
                or not isinstance(caps, list)
            ):
                continue
            names = tuple(
                dict.fromkeys(c for c in caps if isinstance(c, str) and 0 < len(c) <= 128)
            )
            if not names or not agent_id or len(agent_id) > 200:
                continue
            self._view[agent_id] = AgentCard(agent_id, names)
            learned += 1
            self._env.emit(self._agent_id, "learn", {"card": agent_id, "via": sender})
        return learned
