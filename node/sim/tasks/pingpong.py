"""Ping-pong: each pinger exchanges ``rounds`` numbered pings with its pong partner.

A lost ping or pong is retried after ``timeout`` ticks (0 disables retries), so drops and
partitions show up as retries and a lower success rate rather than as a stall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.tasktypes import TaskType, register_task


class PingPongConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rounds: int = Field(default=10, ge=1, le=1_000_000)
    timeout: int = Field(default=8, ge=0, le=1_000_000)


class Pinger(Agent):
    __slots__ = ("done", "partner", "retries", "round", "rounds", "timeout")

    def __init__(self, setup: Setup) -> None:
        cfg: PingPongConfig = setup.task_config
        pongs = setup.roster.ids("pong")
        self.partner = pongs[setup.role_index % len(pongs)]
        self.rounds = cfg.rounds
        self.timeout = cfg.timeout
        self.round = 0
        self.done = 0
        self.retries = 0

    def _ping(self, ctx: Context) -> None:
        ctx.send(self.partner, b"ping:%d" % self.round)
        if self.timeout:
            ctx.schedule(self.timeout, b"%d" % self.round)

    def on_start(self, ctx: Context) -> None:
        self._ping(ctx)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        if sender != self.partner or not payload.startswith(b"pong:"):
            return
        try:
            n = int(payload[5:])
        except ValueError:
            return
        if n == self.round:
            self.done += 1
            self.round += 1
            if self.round < self.rounds:
                self._ping(ctx)

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        if int(payload) == self.round and self.round < self.rounds:
            self.retries += 1
            self._ping(ctx)


class Ponger(Agent):
    __slots__ = ()

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        if payload.startswith(b"ping:"):
            ctx.send(sender, b"pong:" + payload[5:])


def _default_roles(count: int) -> list[tuple[str, int]]:
    pings = (count + 1) // 2
    return [("ping", pings), ("pong", count - pings)]


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if counts.get("ping", 0) and not counts.get("pong", 0):
        return "pingpong needs at least one pong agent"
    return None


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    pingers = [a for a in agents if isinstance(a, Pinger)]
    if not pingers:
        return {"completion_rate": None, "retries": 0}
    wanted = len(pingers) * cfg.rounds
    return {
        "completion_rate": sum(p.done for p in pingers) / wanted,
        "retries": float(sum(p.retries for p in pingers)),
    }


TASK = register_task(
    TaskType(
        name="pingpong",
        description="pairs exchange numbered pings and pongs, retrying lost ones",
        roles={"ping": Pinger, "pong": Ponger},
        config_model=PingPongConfig,
        default_roles=_default_roles,
        metrics=_metrics,
        metric_names=("completion_rate", "retries"),
        check_roles=_check,
    )
)
