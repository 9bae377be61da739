"""score_average trust: the mean of each reporter's latest score for a subject.

One vote per (reporter, subject): re-reporting replaces the earlier score, and an agent cannot
rate itself. Unrated subjects score the neutral 0.5. No Sybil resistance: that is what a
better trust plugin is for.
"""

from __future__ import annotations

from node.sim.layers import PluginEnv
from node.sim.plugin_common.trust import NEUTRAL, AgentTrustView, check_report


class ScoreAverage:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._votes: dict[str, dict[str, float]] = {}
        self._sums: dict[str, float] = {}

    def for_agent(self, agent_id: str) -> TrustView:
        return TrustView(self, agent_id)

    def _report(self, reporter: str, subject: str, score: float) -> None:
        check_report(reporter, subject, score)
        votes = self._votes.setdefault(subject, {})
        self._sums[subject] = self._sums.get(subject, 0.0) - votes.get(reporter, 0.0) + score
        votes[reporter] = float(score)
        self._env.emit(reporter, "report", {"subject": subject, "score": float(score)})

    def score(self, subject: str) -> float:
        votes = self._votes.get(subject)
        return self._sums[subject] / len(votes) if votes else NEUTRAL


class TrustView(AgentTrustView[ScoreAverage]):
    __slots__ = ()
