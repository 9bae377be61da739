"""score_average trust: the mean of each reporter's latest score for a subject.

One vote per (reporter, subject): re-reporting replaces the earlier score, and an agent cannot
rate itself. Unrated subjects score the neutral 0.5. No Sybil resistance: that is what a
better trust plugin is for.
"""

from __future__ import annotations

import math

from node.sim.layers import LayerError, PluginEnv

NEUTRAL = 0.5


class ScoreAverage:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._votes: dict[str, dict[str, float]] = {}
        self._sums: dict[str, float] = {}

    def for_agent(self, agent_id: str) -> TrustView:
        return TrustView(self, agent_id)

    def _report(self, reporter: str, subject: str, score: float) -> None:
        if subject == reporter:
            raise LayerError("an agent cannot rate itself")
        if not isinstance(score, int | float) or not math.isfinite(score) or not 0 <= score <= 1:
            raise LayerError("score must be a number in [0, 1]")
        votes = self._votes.setdefault(subject, {})
        self._sums[subject] = self._sums.get(subject, 0.0) - votes.get(reporter, 0.0) + score
        votes[reporter] = float(score)
        self._env.emit(reporter, "report", {"subject": subject, "score": float(score)})

    def score(self, subject: str) -> float:
        votes = self._votes.get(subject)
        return self._sums[subject] / len(votes) if votes else NEUTRAL


class TrustView:
    __slots__ = ("_agent_id", "_trust")

    def __init__(self, trust: ScoreAverage, agent_id: str) -> None:
        self._trust = trust
        self._agent_id = agent_id

    def report(self, subject: str, score: float) -> None:
        self._trust._report(self._agent_id, subject, score)

    def score(self, subject: str) -> float:
        return self._trust.score(subject)
