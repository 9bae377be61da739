"""Consensus: a leader proposes values to followers and commits one on a quorum.

Each round the leader proposes a value; a follower accepts it with probability
``accept_percent`` (an ``ack``) or rejects it (a ``nack``); the leader commits once its
acknowledgements reach the quorum, aborts as soon as the votes left cannot reach it, and
otherwise aborts at the timeout. Rounds go on until ``commits`` values are committed or
``rounds`` rounds were tried: the defaults (one commit, 70% accept) are Nanda Town's
"retry until the first commit". The quorum is Nanda Town's ``quorum`` (a share of the
followers' accepts, the leader not counted) when given, else ``ceil(quorum_num / quorum_den x
agents)`` counting the leader. Losses and byzantine garbling only cost votes. Evidence:
propose (with the total quorum, leader included), ack, commit (with the acknowledging
followers), abort, learn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.ratio import min_count
from node.sim.tasks.wire import as_int, receive, send
from node.sim.tasktypes import TaskType, register_task


class ConsensusConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rounds: int = Field(default=10, ge=1, le=100_000)
    timeout: int = Field(default=8, ge=2, le=1_000_000)
    quorum_num: int = Field(default=2, ge=1)
    quorum_den: int = Field(default=3, ge=1)
    quorum: float | None = Field(default=None, gt=0.0, le=1.0)
    """Nanda Town's quorum: the share of followers that must accept (leader not counted)."""
    commits: int = Field(default=1, ge=1, le=100_000)
    """Stop after this many committed values (Nanda Town stops at the first)."""
    accept_percent: int = Field(default=70, ge=0, le=100)
    """Chance that a follower accepts a proposal (Nanda Town's followers: 70%)."""


def quorum(agents: int, num: int, den: int) -> int:
    """The smallest integer count >= num/den of ``agents`` (exact integer ceiling)."""
    return -(-agents * num // den)


def needed(cfg: ConsensusConfig, agents: int, followers: int) -> int:
    """Votes needed to commit, the leader's own included."""
    if cfg.quorum is not None:
        return max(min_count(followers, cfg.quorum), 1) + 1
    return quorum(agents, cfg.quorum_num, cfg.quorum_den)


class Leader(Agent):
    __slots__ = (
        "aborted",
        "acks",
        "cfg",
        "committed",
        "followers",
        "nacks",
        "need",
        "round",
        "value",
    )

    def __init__(self, setup: Setup) -> None:
        self.cfg: ConsensusConfig = setup.task_config
        self.followers = setup.roster.ids("follower")
        self.need = needed(self.cfg, len(setup.roster.all), len(self.followers))
        self.round = -1
        self.value = 0
        self.acks: dict[str, None] = {}
        self.nacks: dict[str, None] = {}
        self.committed = 0
        self.aborted = 0

    def on_start(self, ctx: Context) -> None:
        self._propose(ctx)

    def _propose(self, ctx: Context) -> None:
        self.round += 1
        if self.round >= self.cfg.rounds or self.committed >= self.cfg.commits:
            return
        self.value = ctx.rng.randbelow(1 << 32)
        self.acks = {}
        self.nacks = {}
        ctx.emit("propose", round=self.round, value=self.value, quorum=self.need)
        for follower in self.followers:
            send(ctx, follower, "propose", round=self.round, value=self.value)
        ctx.schedule(self.cfg.timeout, b"%d" % self.round)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None or env.kind not in ("ack", "nack"):
            return
        if sender in self.acks or sender in self.nacks:
            return
        if as_int(env.body.get("round")) != self.round or env.body.get("value") != self.value:
            return
        if env.kind == "nack":
            self.nacks[sender] = None
            if len(self.followers) - len(self.nacks) + 1 < self.need:
                self.aborted += 1
                ctx.emit("abort", round=self.round, acks=len(self.acks))
                self._propose(ctx)
            return
        self.acks[sender] = None
        if len(self.acks) + 1 == self.need:
            self.committed += 1
            ctx.emit("commit", round=self.round, value=self.value, acks=list(self.acks))
            for follower in self.followers:
                send(ctx, follower, "commit", round=self.round, value=self.value)
            self._propose(ctx)

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        if int(payload) == self.round and self.round < self.cfg.rounds:
            self.aborted += 1
            ctx.emit("abort", round=self.round, acks=len(self.acks))
            self._propose(ctx)


class Follower(Agent):
    __slots__ = ("accept", "learned")

    def __init__(self, setup: Setup) -> None:
        self.learned = 0
        self.accept = setup.task_config.accept_percent

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None:
            return
        rnd, value = as_int(env.body.get("round")), as_int(env.body.get("value"))
        if rnd < 0 or value < 0:
            return
        if env.kind == "propose":
            vote = "ack" if ctx.rng.randbelow(100) < self.accept else "nack"
            ctx.emit(vote, round=rnd, value=value)
            send(ctx, sender, vote, round=rnd, value=value)
        elif env.kind == "commit":
            self.learned += 1
            ctx.emit("learn", round=rnd, value=value)


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    leaders = [a for a in agents if isinstance(a, Leader)]
    committed = sum(a.committed for a in leaders)
    return {
        "committed": float(committed),
        "aborted": float(sum(a.aborted for a in leaders)),
        "completion_rate": committed / min(cfg.commits, cfg.rounds) if leaders else None,
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if counts.get("leader", 0) != 1:
        return "consensus has exactly one leader"
    if cfg.quorum_num > cfg.quorum_den:
        return "the quorum fraction must be at most 1"
    return None


TASK = register_task(
    TaskType(
        name="consensus",
        description="leader-based replication of one value per round, committed on a quorum",
        roles={"leader": Leader, "follower": Follower},
        config_model=ConsensusConfig,
        default_roles=lambda count: [("leader", 1), ("follower", max(count - 1, 0))],
        metrics=_metrics,
        metric_names=("committed", "aborted", "completion_rate"),
        check_roles=_check,
    )
)
