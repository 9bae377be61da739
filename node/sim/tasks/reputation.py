"""Reputation: traders serve each other's requests; malicious ones cheat now and then.

Each round every trader asks a random other trader for service. Honest traders always serve;
malicious ones cheat with probability ``cheat_percent``. The requester rates the server in the
trust layer with its own running success ratio for that server, so one bad experience keeps
the rating below 1. At the end the observer reads the trust layer and flags every trader
whose score is below ``flag_below``. Evidence: request, serve (honest or not), rate, score,
flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.tasks.wire import as_int, receive, send
from node.sim.tasktypes import TaskType, register_task


class ReputationConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rounds: int = Field(default=12, ge=1, le=100_000)
    period: int = Field(default=5, ge=1, le=1_000_000)
    cheat_percent: int = Field(default=50, ge=0, le=100)
    flag_below: float = Field(default=0.99, gt=0.0, le=1.0)
    malicious_fraction: float | None = Field(default=None, ge=0.0, le=1.0)
    """Nanda Town's split when the file gives no roles: max(1, int(traders x fraction))
    malicious traders (the observer is not a trader). Role counts, when given, win."""


def _split_by_fraction(count: int, cfg: Any) -> list[tuple[str, int]] | None:
    if cfg.malicious_fraction is None or count < 3:
        return None
    traders = count - 1
    malicious = min(max(1, int(traders * cfg.malicious_fraction)), traders)
    return [("honest", traders - malicious), ("malicious", malicious), ("observer", 1)]


class Trader(Agent):
    __slots__ = ("cfg", "cheats", "experience", "peers", "round")

    cheater = False

    def __init__(self, setup: Setup) -> None:
        self.cfg: ReputationConfig = setup.task_config
        self.peers = [*setup.roster.ids("honest"), *setup.roster.ids("malicious")]
        self.round = 0
        self.cheats = 0
        self.experience: dict[str, tuple[int, int]] = {}

    def on_start(self, ctx: Context) -> None:
        if len(self.peers) > 1:
            ctx.schedule(1 + ctx.rng.randbelow(self.cfg.period))

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        peer = ctx.agent_id
        while peer == ctx.agent_id:
            peer = self.peers[ctx.rng.randbelow(len(self.peers))]
        ctx.emit("request", server=peer, round=self.round)
        send(ctx, peer, "request", round=self.round)
        self.round += 1
        if self.round < self.cfg.rounds:
            ctx.schedule(self.cfg.period)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None:
            return
        rnd = as_int(env.body.get("round"))
        if env.kind == "request":
            honest = not (self.cheater and ctx.rng.randbelow(100) < self.cfg.cheat_percent)
            self.cheats += not honest
            ctx.emit("serve", client=sender, round=rnd, honest=honest)
            send(ctx, sender, "goods", round=rnd, ok=honest)
        elif env.kind == "goods":
            good, total = self.experience.get(sender, (0, 0))
            good += env.body.get("ok") is True
            total += 1
            self.experience[sender] = (good, total)
            ctx.plugins.trust.report(sender, good / total)
            ctx.emit("rate", server=sender, ok=env.body.get("ok") is True)


class Honest(Trader):
    __slots__ = ()


class Malicious(Trader):
    __slots__ = ()
    cheater = True


class Observer(Agent):
    __slots__ = ("cfg", "flagged", "traders")

    def __init__(self, setup: Setup) -> None:
        self.cfg: ReputationConfig = setup.task_config
        self.traders = [*setup.roster.ids("honest"), *setup.roster.ids("malicious")]
        self.flagged = 0

    def on_stop(self, ctx: Context) -> None:
        trust = ctx.plugins.trust
        for trader in self.traders:
            score = trust.score(trader)
            ctx.emit("score", subject=trader, score=score)
            if score < self.cfg.flag_below:
                self.flagged += 1
                ctx.emit("flag", subject=trader, score=score)


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    cheaters = [a for a in agents if isinstance(a, Trader) and a.cheats]
    return {
        "cheats": float(sum(a.cheats for a in cheaters)),
        "cheaters": float(len(cheaters)),
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if counts.get("honest", 0) + counts.get("malicious", 0) < 2:
        return "reputation needs at least two traders"
    return None


TASK = register_task(
    TaskType(
        name="reputation",
        description="traders rate each other in the trust layer; an observer flags cheaters",
        roles={"honest": Honest, "malicious": Malicious, "observer": Observer},
        config_model=ReputationConfig,
        default_roles=lambda count: [
            ("honest", max(count - 1 - count // 5, 0)),
            ("malicious", count // 5),
            ("observer", 1 if count else 0),
        ],
        metrics=_metrics,
        metric_names=("cheats", "cheaters"),
        check_roles=_check,
        config_roles=_split_by_fraction,
    )
)
