"""Marketplace: buyers and sellers discover each other in the registry and haggle bilaterally.

Sellers list a few catalog items in the registry layer and hold a small stock of numbered units.
Each round a buyer picks an item, looks its sellers up, prefers the better trusted of two, and
negotiates with the negotiation layer (alternating offers) over comms messages. A deal reserves
one unit, the buyer pays through the payments layer (the request id is the payment ref) and
rates the seller in the trust layer. Every request gets exactly one answer from the seller:
``deal``, ``no_deal`` or ``sold_out``. Trace evidence (``app`` events) is what the marketplace
validators read: request, answer, sell, buy, plus the buyers' offers as sent on the wire.

Messages use a compact text wire, ``<kind> <req> <price> <item-or-unit>``, rather than the comms
layer's JSON envelope: a negotiation is a dozen short messages, and at 4,000 agents JSON
encoding and decoding was the largest single cost of the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.layers import LayerError, Negotiation, Reply, Session
from node.sim.tasktypes import TaskType, register_task


class MarketplaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: int = Field(default=10, ge=1, le=10_000)
    items_per_seller: int = Field(default=2, ge=1, le=100)
    stock: int = Field(default=3, ge=0, le=10_000)
    rounds: int = Field(default=10, ge=1, le=1000)
    """Requests each buyer makes (Nanda Town's default, 10)."""
    catalog_size: int | None = Field(default=None, ge=1, le=10_000)
    """Nanda Town's catalog field (its marketplace reads but never uses it): here the number
    of catalog items, in place of ``items``; sellers then list enough items that every catalog
    item has a seller, so every request finds one (as every Nanda Town buy does)."""

    @property
    def catalog(self) -> int:
        return self.catalog_size if self.catalog_size is not None else self.items

    period: int = Field(default=30, ge=1, le=1_000_000)
    base_price: int = Field(default=100, ge=10, le=1_000_000)


def item_name(k: int) -> str:
    return f"item-{k}"


KINDS = frozenset({"offer", "counter", "accept", "withdraw", "deal", "no_deal", "sold_out"})


def send(ctx: Context, to: str, kind: str, req: str, price: int = 0, extra: str = "-") -> None:
    ctx.send(to, f"{kind} {req} {price} {extra}".encode())


def parse(payload: bytes) -> tuple[str, str, int, str] | None:
    """(kind, req, price, extra), or None for anything malformed (garbled bytes included)."""
    try:
        kind, req, price, extra = payload.decode("ascii").split(" ")
        value = int(price)
    except ValueError:
        return None
    if kind not in KINDS or not 0 <= value < 1 << 53 or len(req) > 200 or len(extra) > 200:
        return None
    return kind, req, value, extra


def negotiator(agent: Seller | Buyer, ctx: Context) -> Negotiation:
    """The agent's negotiation layer, looked up once (it is asked on every message)."""
    neg = agent.neg
    if neg is None:
        neg = agent.neg = ctx.plugins.negotiation
    return neg


class Seller(Agent):
    __slots__ = ("answered", "cfg", "items", "neg", "sessions", "sold", "stock")

    def __init__(self, setup: Setup) -> None:
        cfg: MarketplaceConfig = setup.task_config
        self.cfg = cfg
        per = cfg.items_per_seller
        if cfg.catalog_size is not None:  # every catalog item has a seller, as every buy there does
            sellers = max(len(setup.roster.ids("seller")), 1)
            per = max(per, -(-cfg.catalog // sellers))
        per = min(per, cfg.catalog)
        first = setup.role_index * per
        self.items = [item_name((first + j) % cfg.catalog) for j in range(per)]
        self.stock = cfg.stock
        self.neg: Negotiation | None = None  # the negotiation layer, fetched once
        self.sold = 0
        self.answered = 0
        self.sessions: dict[str, Session] = {}

    def on_start(self, ctx: Context) -> None:
        ctx.plugins.registry.register(self.items, {"role": "seller"})

    def decide(self, ctx: Context, session: Session, offer: int) -> Reply:
        """The answer to a buyer's offer; the negotiation layer's unless a subclass decides."""
        neg = self.neg
        return (neg if neg is not None else negotiator(self, ctx)).respond(session, offer)

    def _answer(
        self, ctx: Context, req: str, buyer: str, result: str, price: int = 0, unit: str = "-"
    ) -> None:
        self.sessions.pop(req, None)
        self.answered += 1
        ctx.emit("answer", req=req, buyer=buyer, result=result)
        send(ctx, buyer, result, req, price, unit)

    def _sell(self, ctx: Context, req: str, buyer: str, price: int) -> None:
        unit = f"{ctx.agent_id}/u{self.cfg.stock - self.stock}"
        self.stock -= 1
        self.sold += 1
        ctx.emit("sell", req=req, buyer=buyer, unit=unit, price=price)
        self._answer(ctx, req, buyer, "deal", unit=unit, price=price)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        msg = parse(payload)
        if msg is None:
            return
        kind, req, price, item = msg
        if not req.startswith(sender + "/"):
            return  # a request id names its buyer; anything else is not a request from it
        if kind == "offer":
            session = self.sessions.get(req)
            if session is None:
                if item not in self.items or self.stock <= 0:
                    self._answer(ctx, req, sender, "sold_out")
                    return
                reserve = self.cfg.base_price * (80 + ctx.rng.randbelow(21)) // 100
                session = negotiator(self, ctx).open(req, sender, reserve, selling=True)
                self.sessions[req] = session
            if price <= 0:
                return
            reply = self.decide(ctx, session, price)
            if reply.action == "accept":
                self._sell(ctx, req, sender, price)
            elif reply.action == "counter" and reply.price is not None:
                send(ctx, sender, "counter", req, reply.price)
            else:
                self._answer(ctx, req, sender, "no_deal")
        elif kind == "accept":
            session = self.sessions.get(req)
            if session is None or session.last_offer != price:
                return
            if self.stock <= 0:
                self._answer(ctx, req, sender, "sold_out")
            else:
                self._sell(ctx, req, sender, price)
        elif kind == "withdraw" and req in self.sessions:
            self._answer(ctx, req, sender, "no_deal")


class Buyer(Agent):
    __slots__ = (
        "bought",
        "cfg",
        "deal_rounds",
        "neg",
        "pair_rounds",
        "rejected",
        "requests",
        "round",
        "sessions",
        "spent",
    )

    def __init__(self, setup: Setup) -> None:
        self.cfg: MarketplaceConfig = setup.task_config
        self.round = 0
        self.requests = 0
        self.bought = 0
        self.spent = 0
        self.sessions: dict[str, Session] = {}  # open negotiations, by request id
        self.neg: Negotiation | None = None  # the negotiation layer, fetched once
        self.rejected = 0
        # Nanda Town's rounds to a deal: requests and refusals per seller since the last deal
        self.pair_rounds: dict[str, int] = {}
        self.deal_rounds = 0

    def decide(self, ctx: Context, session: Session, offer: int) -> Reply:
        """The answer to a seller's counter; the negotiation layer's unless a subclass decides."""
        neg = self.neg
        return (neg if neg is not None else negotiator(self, ctx)).respond(session, offer)

    def on_start(self, ctx: Context) -> None:
        ctx.schedule(1 + ctx.rng.randbelow(self.cfg.period // 2 + 1))

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        self._shop(ctx)
        self.round += 1
        if self.round < self.cfg.rounds:
            ctx.schedule(self.cfg.period)

    def _shop(self, ctx: Context) -> None:
        rng = ctx.rng
        item = item_name(rng.randbelow(self.cfg.catalog))
        cards = ctx.plugins.registry.lookup(item)
        if not cards:
            return
        seller = cards[rng.randbelow(len(cards))].agent_id
        other = cards[rng.randbelow(len(cards))].agent_id
        trust = ctx.plugins.trust
        if other != seller and trust.score(other) > trust.score(seller):
            seller = other
        req = f"{ctx.agent_id}/{self.round}"
        budget = self.cfg.base_price * (95 + rng.randbelow(36)) // 100
        neg = negotiator(self, ctx)
        session = self.sessions[req] = neg.open(req, seller, budget, selling=False)
        price = neg.first_offer(session)
        self.requests += 1
        self.pair_rounds[seller] = self.pair_rounds.get(seller, 0) + 1
        ctx.emit("request", req=req, seller=seller, item=item)
        send(ctx, seller, "offer", req, price, item)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        msg = parse(payload)
        if msg is None:
            return
        kind, req, price, unit = msg
        session = self.sessions.get(req)
        if session is None or sender != session.counterparty:
            return
        if kind == "counter" and price > 0 and session.state == "open":
            reply = self.decide(ctx, session, price)
            if reply.action == "accept":
                send(ctx, sender, "accept", req, price)
            elif reply.action == "counter" and reply.price is not None:
                send(ctx, sender, "offer", req, reply.price)
            else:
                send(ctx, sender, "withdraw", req)
        elif kind == "deal" and price > 0:
            del self.sessions[req]
            try:
                ctx.plugins.payments.pay(sender, price, req)
            except LayerError as exc:
                ctx.emit("unpaid", req=req, seller=sender, reason=str(exc))
                return
            self.bought += 1
            self.spent += price
            self.deal_rounds += max(self.pair_rounds.pop(sender, 0), 1)
            ctx.emit("buy", req=req, seller=sender, unit=unit, price=price)
            ctx.plugins.trust.report(sender, 1.0)
        elif kind in ("no_deal", "sold_out"):
            del self.sessions[req]
            self.rejected += 1
            self.pair_rounds[sender] = self.pair_rounds.get(sender, 0) + 1


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    buyers = [a for a in agents if isinstance(a, Buyer)]
    requests = sum(b.requests for b in buyers)
    bought = sum(b.bought for b in buyers)
    return {
        "requests": float(requests),
        "deals": float(bought),
        "deal_rate": bought / requests if requests else 0.0,
        "rejection_rate": sum(b.rejected for b in buyers) / requests if requests else 0.0,
        "mean_rounds_to_deal": sum(b.deal_rounds for b in buyers) / bought if bought else 0.0,
        "mean_price": sum(b.spent for b in buyers) / bought if bought else None,
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if counts.get("buyer", 0) and not counts.get("seller", 0):
        return "marketplace needs at least one seller"
    return None


TASK = register_task(
    TaskType(
        name="marketplace",
        description="buyers find sellers in the registry and negotiate prices bilaterally",
        roles={"buyer": Buyer, "seller": Seller},
        config_model=MarketplaceConfig,
        default_roles=lambda count: [("buyer", (count + 1) // 2), ("seller", count // 2)],
        metrics=_metrics,
        metric_names=(
            "requests",
            "deals",
            "deal_rate",
            "rejection_rate",
            "mean_rounds_to_deal",
            "mean_price",
        ),
        check_roles=_check,
    )
)
