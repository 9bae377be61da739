"""blackboard memory: one shared key-value store with versions and compare-and-swap."""

from __future__ import annotations

from typing import Any

from node.sim.layers import Entry, LayerError, PluginEnv
from node.sim.plugin_common.view import AgentView

MAX_KEY = 256


class Blackboard:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._entries: dict[str, Entry] = {}

    def for_agent(self, agent_id: str) -> BlackboardView:
        return BlackboardView(self, agent_id)

    def _write(self, agent_id: str, key: str, value: Any) -> int:
        if not key or len(key) > MAX_KEY:
            raise LayerError(f"keys are 1..{MAX_KEY} characters")
        old = self._entries.get(key)
        version = old.version + 1 if old else 1
        self._entries[key] = Entry(value, version, agent_id)
        self._env.emit(agent_id, "put", {"key": key, "version": version})
        return version


class BlackboardView(AgentView[Blackboard]):
    __slots__ = ()

    def get(self, key: str) -> Entry | None:
        return self._run._entries.get(key)

    def put(self, key: str, value: Any) -> int:
        return self._run._write(self._agent_id, key, value)

    def cas(self, key: str, expected_version: int, value: Any) -> bool:
        """Write only if the key is at ``expected_version`` (0: absent)."""
        entry = self._run._entries.get(key)
        if (entry.version if entry else 0) != expected_version:
            return False
        self._run._write(self._agent_id, key, value)
        return True
