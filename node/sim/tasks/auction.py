"""Auction: one auctioneer sells items one at a time by sealed first-price bids.

For each item the auctioneer calls for bids, takes one bid per bidder until the deadline, awards
the item to the highest bid (ties to the smaller agent id), and tells every bidder the result.
The winner pays its price through the payments layer. Evidence: call, bid, bid_received,
award, notified, pay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.layers import LayerError
from node.sim.tasks.wire import as_int, as_str, receive, send
from node.sim.tasktypes import TaskType, register_task


class AuctionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: int = Field(default=5, ge=1, le=10_000)
    bid_window: int = Field(default=6, ge=2, le=1_000_000)
    max_value: int = Field(default=200, ge=2, le=1_000_000)
    rounds: int | None = Field(default=None, ge=1, le=10_000)
    """Nanda Town's name for ``items``: one lot per round."""

    @property
    def lots(self) -> int:
        return self.rounds if self.rounds is not None else self.items


class Auctioneer(Agent):
    __slots__ = ("awarded", "bidders", "bids", "cfg", "item")

    def __init__(self, setup: Setup) -> None:
        self.cfg: AuctionConfig = setup.task_config
        self.bidders = setup.roster.ids("bidder")
        self.item = -1
        self.bids: dict[str, int] = {}
        self.awarded = 0

    def on_start(self, ctx: Context) -> None:
        self._call(ctx)

    def _call(self, ctx: Context) -> None:
        self.item += 1
        self.bids = {}
        item = f"lot-{self.item}"
        ctx.emit("call", item=item, deadline=ctx.time + self.cfg.bid_window)
        for bidder in self.bidders:
            send(ctx, bidder, "call", item=item)
        ctx.schedule(self.cfg.bid_window)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None or env.kind != "bid":
            return
        amount = as_int(env.body.get("amount"))
        if as_str(env.body.get("item")) != f"lot-{self.item}" or amount <= 0:
            return
        if sender in self.bids:
            return  # one sealed bid per bidder and item
        self.bids[sender] = amount
        ctx.emit("bid_received", item=f"lot-{self.item}", bidder=sender, amount=amount)

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        item = f"lot-{self.item}"
        if self.bids:
            winner, price = min(self.bids.items(), key=lambda kv: (-kv[1], kv[0]))
            self.awarded += 1
            ctx.emit("award", item=item, winner=winner, price=price, bids=len(self.bids))
        else:
            winner, price = "", 0
            ctx.emit("unsold", item=item)
        for bidder in self.bidders:
            send(ctx, bidder, "result", item=item, winner=winner, price=price)
        if self.item + 1 < self.cfg.lots:
            self._call(ctx)


class Bidder(Agent):
    __slots__ = ("cfg", "won")

    def __init__(self, setup: Setup) -> None:
        self.cfg: AuctionConfig = setup.task_config
        self.won = 0

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None:
            return
        item = as_str(env.body.get("item"))
        if env.kind == "call":
            value = 1 + ctx.rng.randbelow(self.cfg.max_value)
            amount = max(1, value * (60 + ctx.rng.randbelow(41)) // 100)  # shade the bid
            ctx.emit("bid", item=item, amount=amount)
            send(ctx, sender, "bid", item=item, amount=amount)
        elif env.kind == "result":
            winner = as_str(env.body.get("winner"))
            ctx.emit("notified", item=item, winner=winner)
            price = as_int(env.body.get("price"))
            if winner == ctx.agent_id and price > 0:
                self.won += 1
                try:
                    ctx.plugins.payments.pay(sender, price, item)
                except LayerError as exc:
                    ctx.emit("unpaid", item=item, reason=str(exc))


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    auctioneers = [a for a in agents if isinstance(a, Auctioneer)]
    awarded = sum(a.awarded for a in auctioneers)
    return {
        "awarded": float(awarded),
        "completion_rate": awarded / cfg.lots if auctioneers else None,
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if counts.get("auctioneer", 0) != 1:
        return "an auction has exactly one auctioneer"
    return None


TASK = register_task(
    TaskType(
        name="auction",
        description="one auctioneer, sealed first-price bids, one item at a time",
        roles={"auctioneer": Auctioneer, "bidder": Bidder},
        config_model=AuctionConfig,
        default_roles=lambda count: [("auctioneer", 1), ("bidder", max(count - 1, 0))],
        metrics=_metrics,
        metric_names=("awarded", "completion_rate"),
        check_roles=_check,
    )
)
