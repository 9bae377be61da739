"""stake_weighted trust: reports weighted by the reporter's stake, subjects marked by slashes.

Every agent that reports (or is slashed) gets the same stake on a SimLedger contract,
deposited in one batch per newcomers. A subject's score is the stake-weighted mean of each
reporter's latest score, divided by ``1 + slashes`` of the subject; the operator's
``slash(agent, amount)`` burns stake on chain, so a slashed reporter's word weighs less (and
nothing once its stake is gone). One vote per (reporter, subject); no self-rating; unrated
subjects start at the neutral 0.5.
"""

from __future__ import annotations

from functools import cached_property

from node.sim.chain.funding import Newcomers
from node.sim.chain.ops import LedgerOps, agent_key
from node.sim.chain.session import run_chain
from node.sim.layers import PluginEnv
from node.sim.plugin_common.trust import NEUTRAL, AgentTrustView, check_report

STAKE = 100


class StakeWeighted:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._stake = int(env.config.get("stake", STAKE))
        self._votes: dict[str, dict[str, float]] = {}
        self._weights: dict[str, int] = {}
        self._slashes: dict[str, int] = {}
        self._newcomers = Newcomers(lambda: self.ledger, self._stake)

    @cached_property
    def ledger(self) -> LedgerOps:
        return run_chain(self._env).stakes

    def for_agent(self, agent_id: str) -> StakeTrustView:
        self._newcomers.enlist(agent_id)
        return StakeTrustView(self, agent_id)

    def _flush(self) -> None:
        for agent in self._newcomers.flush():
            self._weights[agent] = self._stake

    def _report(self, reporter: str, subject: str, score: float) -> None:
        check_report(reporter, subject, score)
        self._votes.setdefault(subject, {})[reporter] = float(score)
        self._env.emit(reporter, "report", {"subject": subject, "score": float(score)})

    def weight(self, reporter: str) -> int:
        """The reporter's stake on chain (as last read)."""
        if self._newcomers.waiting(reporter):
            self._flush()
        return self._weights.get(reporter, 0)

    def score(self, subject: str) -> float:
        votes = self._votes.get(subject)
        total = weighted = 0.0
        for reporter, value in (votes or {}).items():
            w = self.weight(reporter)
            total += w
            weighted += w * value
        base = weighted / total if total > 0 else NEUTRAL
        return base / (1 + self._slashes.get(subject, 0))

    def slash(self, agent_id: str, amount: int) -> None:
        """The operator burns ``amount`` of the agent's stake (what the ledger holds at most)."""
        self._newcomers.enlist(agent_id)
        self._flush()
        key = agent_key(agent_id)
        self.ledger.slash(key, amount)
        self._weights[agent_id] = self.ledger.balance_of(key)
        self._slashes[agent_id] = self.ledger.slash_count(key)
        self._env.emit(agent_id, "slashed", {"amount": amount})


class StakeTrustView(AgentTrustView[StakeWeighted]):
    __slots__ = ()
