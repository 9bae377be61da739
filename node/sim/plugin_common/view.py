"""The per-agent handle every layer plugin hands out: the run-wide object plus the agent's id."""

from __future__ import annotations

from typing import Generic, TypeVar

R = TypeVar("R")


class AgentView(Generic[R]):
    """What ``for_agent`` returns: calls go to the run-wide object on behalf of one agent."""

    __slots__ = ("_agent_id", "_run")

    def __init__(self, run: R, agent_id: str) -> None:
        self._run = run
        self._agent_id = agent_id
