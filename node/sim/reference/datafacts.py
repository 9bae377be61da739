"""datafacts_v1: dataset facts addressed by owner, name and content hash.

The URL commits to the content (sha256), so a fetch can check the bytes it got; freshness is
judged on the virtual clock (no wall time); access is the owner's plus explicit grants.
"""

from __future__ import annotations

import hashlib
import re

from node.sim.layers import DataFact, LayerError, PluginEnv
from node.sim.plugin_common.view import AgentView

_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}")


class DataFactsV1:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._facts: dict[str, DataFact] = {}
        self._grants: dict[str, set[str]] = {}

    def for_agent(self, agent_id: str) -> DataFactsView:
        return DataFactsView(self, agent_id)


class DataFactsView(AgentView[DataFactsV1]):
    __slots__ = ()

    def publish(self, name: str, content: bytes, ttl: int) -> DataFact:
        if not _NAME.fullmatch(name):
            raise LayerError("dataset names are 1..128 of [A-Za-z0-9_.-]")
        if type(ttl) is not int or ttl < 1:
            raise LayerError("ttl must be an int >= 1")
        digest = hashlib.sha256(content).hexdigest()
        url = f"df://{self._agent_id}/{name}@sha256:{digest}"
        fact = DataFact(url, name, self._agent_id, digest, self._run._env.now(), ttl)
        self._run._facts[url] = fact
        self._run._env.emit(self._agent_id, "publish", {"url": url, "ttl": ttl})
        return fact

    def fetch(self, url: str, content: bytes | None = None) -> DataFact:
        """The fact at ``url``; with ``content``, also check the bytes match its hash."""
        fact = self._run._facts.get(url)
        if fact is None:
            raise LayerError(f"no data fact at {url!r}")
        if not self.can_access(url, self._agent_id):
            raise LayerError(f"{self._agent_id} has no access to {url!r}")
        if content is not None and hashlib.sha256(content).hexdigest() != fact.digest:
            raise LayerError("content does not match the published hash")
        return fact

    def is_fresh(self, url: str) -> bool:
        fact = self._run._facts.get(url)
        return fact is not None and self._run._env.now() < fact.published_at + fact.ttl

    def grant(self, url: str, agent_id: str) -> None:
        fact = self._run._facts.get(url)
        if fact is None or fact.owner != self._agent_id:
            raise LayerError("only the owner can grant access")
        self._run._grants.setdefault(url, set()).add(agent_id)
        self._run._env.emit(self._agent_id, "grant", {"url": url, "to": agent_id})

    def can_access(self, url: str, agent_id: str) -> bool:
        fact = self._run._facts.get(url)
        if fact is None:
            return False
        return fact.owner == agent_id or agent_id in self._run._grants.get(url, ())
