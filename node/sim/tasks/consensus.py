"""Consensus: a leader replicates one value per round to followers and commits on a quorum.

Each round the leader proposes a value; followers acknowledge the (round, value) they saw;
the leader commits once acknowledgements plus its own vote reach the quorum
(``ceil(quorum_num / quorum_den x agents)``), otherwise it aborts the round at the timeout.
Losses and byzantine garbling only cost acknowledgements. Evidence: propose, ack, commit
(with the acknowledging followers), abort, learn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.tasks.wire import as_int, receive, send
from node.sim.tasktypes import TaskType, register_task


class ConsensusConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rounds: int = Field(default=10, ge=1, le=100_000)
    timeout: int = Field(default=8, ge=2, le=1_000_000)
    quorum_num: int = Field(default=2, ge=1)
    quorum_den: int = Field(default=3, ge=1)


def quorum(agents: int, num: int, den: int) -> int:
    """The smallest integer count >= num/den of ``agents`` (exact integer ceiling)."""
    return -(-agents * num // den)


class Leader(Agent):
    __slots__ = ("aborted", "acks", "cfg", "committed", "followers", "need", "round", "value")

    def __init__(self, setup: Setup) -> None:
        self.cfg: ConsensusConfig = setup.task_config
        self.followers = setup.roster.ids("follower")
        self.need = quorum(len(setup.roster.all), self.cfg.quorum_num, self.cfg.quorum_den)
        self.round = -1
        self.value = 0
        self.acks: dict[str, None] = {}
        self.committed = 0
        self.aborted = 0

    def on_start(self, ctx: Context) -> None:
        self._propose(ctx)

    def _propose(self, ctx: Context) -> None:
        self.round += 1
        if self.round >= self.cfg.rounds:
            return
        self.value = ctx.rng.randbelow(1 << 32)
        self.acks = {}
        ctx.emit("propose", round=self.round, value=self.value, quorum=self.need)
        for follower in self.followers:
            send(ctx, follower, "propose", round=self.round, value=self.value)
        ctx.schedule(self.cfg.timeout, b"%d" % self.round)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None or env.kind != "ack" or sender in self.acks:
            return
        if as_int(env.body.get("round")) != self.round or env.body.get("value") != self.value:
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
    __slots__ = ("learned",)

    def __init__(self, setup: Setup) -> None:
        self.learned = 0

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None:
            return
        rnd, value = as_int(env.body.get("round")), as_int(env.body.get("value"))
        if rnd < 0 or value < 0:
            return
        if env.kind == "propose":
            ctx.emit("ack", round=rnd, value=value)
            send(ctx, sender, "ack", round=rnd, value=value)
        elif env.kind == "commit":
            self.learned += 1
            ctx.emit("learn", round=rnd, value=value)


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    leaders = [a for a in agents if isinstance(a, Leader)]
    committed = sum(a.committed for a in leaders)
    return {
        "committed": float(committed),
        "aborted": float(sum(a.aborted for a in leaders)),
        "success_rate": committed / cfg.rounds if leaders else None,
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
        metric_names=("committed", "aborted", "success_rate"),
        check_roles=_check,
    )
)
