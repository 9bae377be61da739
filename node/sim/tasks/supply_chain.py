"""Supply chain: goods move supplier -> manufacturer -> distributor -> retailer.

Lane ``i`` of each stage hands its goods to lane ``i mod n`` of the next stage. Every hand-off
is acknowledged and retransmitted after ``timeout`` ticks until acknowledged, so goods survive
message loss and a partition that heals; a receiver handles a good once however often it
arrives. Evidence: make, ship, receive, deliver.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.tasks.wire import as_str, receive, send
from node.sim.tasktypes import TaskType, register_task

STAGES = ("supplier", "manufacturer", "distributor", "retailer")


class SupplyChainConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goods: int = Field(default=4, ge=1, le=100_000)
    timeout: int = Field(default=6, ge=2, le=1_000_000)
    max_retries: int = Field(default=50, ge=0, le=10_000)
    items_per_round: int | None = Field(default=None, ge=1, le=100_000)
    rounds: int | None = Field(default=None, ge=1, le=100_000)
    """Nanda Town's batches: with either given, each supplier makes items_per_round x rounds
    goods (its defaults 2 and 3 fill the one not given) instead of ``goods``."""

    @property
    def goods_per_supplier(self) -> int:
        if self.items_per_round is None and self.rounds is None:
            return self.goods
        return (self.items_per_round or 2) * (self.rounds or 3)


class Stage(Agent):
    __slots__ = ("cfg", "handled", "next_hop", "retries", "stage", "unacked")

    def __init__(self, setup: Setup) -> None:
        self.cfg: SupplyChainConfig = setup.task_config
        self.stage = STAGES.index(setup.role)
        self.next_hop = ""
        if self.stage + 1 < len(STAGES):
            lanes = setup.roster.ids(STAGES[self.stage + 1])
            if lanes:
                self.next_hop = lanes[setup.role_index % len(lanes)]
        self.handled: dict[str, None] = {}
        self.unacked: dict[str, int] = {}
        self.retries = 0

    def on_start(self, ctx: Context) -> None:
        if self.stage == 0:
            for k in range(self.cfg.goods_per_supplier):
                good = f"{ctx.agent_id}/g{k}"
                self.handled[good] = None
                ctx.emit("make", good=good)
                self._ship(ctx, good)

    def _ship(self, ctx: Context, good: str) -> None:
        if not self.next_hop:
            return
        attempt = self.unacked.get(good, -1) + 1
        self.unacked[good] = attempt
        ctx.emit("ship", good=good, to=self.next_hop, attempt=attempt)
        send(ctx, self.next_hop, "ship", good=good)
        ctx.schedule(self.cfg.timeout, good.encode())

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        good = payload.decode()
        attempts = self.unacked.get(good)
        if attempts is not None and attempts < self.cfg.max_retries:
            self.retries += 1
            self._ship(ctx, good)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None:
            return
        good = as_str(env.body.get("good"))
        if not good:
            return
        if env.kind == "ack" and sender == self.next_hop:
            self.unacked.pop(good, None)
        elif env.kind == "ship":
            send(ctx, sender, "ack", good=good)
            if good in self.handled:
                return
            self.handled[good] = None
            ctx.emit("receive", good=good, sender=sender)
            if self.next_hop:
                self._ship(ctx, good)
            else:
                ctx.emit("deliver", good=good)


class Supplier(Stage):
    __slots__ = ()


class Manufacturer(Stage):
    __slots__ = ()


class Distributor(Stage):
    __slots__ = ()


class Retailer(Stage):
    __slots__ = ()


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    made = sum(len(a.handled) for a in agents if isinstance(a, Supplier))
    delivered = sum(len(a.handled) for a in agents if isinstance(a, Retailer))
    return {
        "delivered": float(delivered),
        "retries": float(sum(a.retries for a in agents if isinstance(a, Stage))),
        "completion_rate": delivered / made if made else None,
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    missing = [s for s in STAGES if not counts.get(s, 0)]
    if missing:
        return f"supply_chain needs every stage (missing: {', '.join(missing)})"
    return None


def _default_roles(count: int) -> list[tuple[str, int]]:
    base, extra = divmod(count, len(STAGES))
    return [(s, base + (1 if i < extra else 0)) for i, s in enumerate(STAGES)]


TASK = register_task(
    TaskType(
        name="supply_chain",
        description="goods handed through four stages with acknowledged, retried hand-offs",
        roles={
            "supplier": Supplier,
            "manufacturer": Manufacturer,
            "distributor": Distributor,
            "retailer": Retailer,
        },
        config_model=SupplyChainConfig,
        default_roles=_default_roles,
        metrics=_metrics,
        metric_names=("delivered", "retries", "completion_rate"),
        check_roles=_check,
    )
)
