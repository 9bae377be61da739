"""What every trust plugin shares: the report check and the per-agent view.

A plugin's run-wide object decides how reports become scores; the view only binds the
reporting agent, so every trust plugin refuses the same reports with the same words.
"""

from __future__ import annotations

import math
from typing import Protocol, TypeVar

from node.sim.layers import LayerError
from node.sim.plugin_common.view import AgentView

NEUTRAL = 0.5
"""The score of a subject nobody has rated (yet)."""


def check_report(reporter: str, subject: str, score: float) -> None:
    """Refuse self-rating and scores that are not a finite number in [0, 1]."""
    if subject == reporter:
        raise LayerError("an agent cannot rate itself")
    if not isinstance(score, int | float) or not math.isfinite(score) or not 0 <= score <= 1:
        raise LayerError("score must be a number in [0, 1]")


class RunTrust(Protocol):
    """The run-wide side of a trust plugin, as its per-agent view uses it."""

    def _report(self, reporter: str, subject: str, score: float) -> None: ...

    def score(self, subject: str) -> float: ...


T = TypeVar("T", bound=RunTrust)


class AgentTrustView(AgentView[T]):
    """One agent's Trust layer: its reports carry its id, scores are the run's."""

    __slots__ = ()

    def report(self, subject: str, score: float) -> None:
        self._run._report(self._agent_id, subject, score)

    def score(self, subject: str) -> float:
        return self._run.score(subject)
