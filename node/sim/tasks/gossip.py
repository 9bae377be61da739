"""Gossip: a rumor spreads by push to ``fanout`` random peers per round.

With ``sign: true`` the origin signs the rumor with its identity layer (did:key, Ed25519) and
every receiver verifies it before believing it, so byzantine garbling is rejected rather than
spread; the fast path (``sign: false``) does no crypto at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.tasktypes import TaskType, register_task

RUMOR = b"rumor"


class GossipConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fanout: int = Field(default=3, ge=1, le=1000)
    seeds: int = Field(default=1, ge=1)
    rounds: int = Field(default=1, ge=1, le=10_000)
    period: int = Field(default=1, ge=1, le=1_000_000)
    sign: bool = False


class GossipNode(Agent):
    __slots__ = ("cfg", "informed_at", "message", "origin", "peers", "pushes", "rejected")

    def __init__(self, setup: Setup) -> None:
        self.cfg: GossipConfig = setup.task_config
        self.peers = setup.roster.all
        self.origin = setup.role_index < self.cfg.seeds
        self.informed_at = -1
        self.message = b""
        self.pushes = 0
        self.rejected = 0

    def on_start(self, ctx: Context) -> None:
        if self.origin:
            if self.cfg.sign:
                ident = ctx.plugins.identity
                body = RUMOR + b"|" + ident.did.encode()
                self.message = body + b"|" + ident.sign(body).hex().encode()
            else:
                self.message = RUMOR
            self._believe(ctx)

    def _believe(self, ctx: Context) -> None:
        self.informed_at = ctx.time
        self._push(ctx)

    def _push(self, ctx: Context) -> None:
        peers = self.peers
        n = len(peers)
        if n > 1:
            rng = ctx.rng
            own = ctx.agent_id
            for _ in range(min(self.cfg.fanout, n - 1)):
                peer = peers[rng.randbelow(n)]
                while peer == own:
                    peer = peers[rng.randbelow(n)]
                ctx.send(peer, self.message)
        self.pushes += 1
        if self.pushes < self.cfg.rounds:
            ctx.schedule(self.cfg.period)

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        self._push(ctx)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        if self.informed_at >= 0:
            return
        if not self._valid(ctx, payload):
            self.rejected += 1
            return
        self.message = payload
        self._believe(ctx)

    def _valid(self, ctx: Context, payload: bytes) -> bool:
        if not self.cfg.sign:
            return payload == RUMOR
        parts = payload.split(b"|")
        if len(parts) != 3 or parts[0] != RUMOR:
            return False
        try:
            did, sig = parts[1].decode(), bytes.fromhex(parts[2].decode())
        except ValueError:
            return False
        return ctx.plugins.identity.verify(did, RUMOR + b"|" + parts[1], sig)


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    nodes = [a for a in agents if isinstance(a, GossipNode)]
    if not nodes:
        return {"coverage": None, "completion_rate": None, "rejected": 0}
    informed = [a.informed_at for a in nodes if a.informed_at >= 0]
    return {
        "coverage": len(informed) / len(nodes),
        "completion_rate": len(informed) / len(nodes),
        "mean_infection_time": sum(informed) / len(informed) if informed else None,
        "rejected": float(sum(a.rejected for a in nodes)),
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if cfg.seeds > counts.get("node", 0):
        return f"gossip seeds ({cfg.seeds}) exceed the number of node agents"
    return None


TASK = register_task(
    TaskType(
        name="gossip",
        description="push gossip of one rumor, optionally signed with did:key",
        roles={"node": GossipNode},
        config_model=GossipConfig,
        default_roles=lambda count: [("node", count)],
        metrics=_metrics,
        metric_names=("coverage", "completion_rate", "mean_infection_time", "rejected"),
        check_roles=_check,
    )
)
