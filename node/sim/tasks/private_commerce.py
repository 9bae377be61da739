"""Private commerce: discovery by gossip, sealed bids, streamed payments, signed receipts.

A cross-layer composition run under a partition that heals:
- registry: each agent's own view (``gossip`` plugin), spread by periodic gossip messages, so
  buyers only bid to sellers they have actually discovered;
- privacy: bids are sealed to the seller (``x25519_chacha20``); the buyer logs the plaintext
  locally (an ``app`` event) so validators can prove it never appears on the wire;
- payments: the buyer pays chunk by chunk into a payment stream (``streaming``), and a seller
  delivers a chunk only after checking the stream holds its price;
- identity + trust: after the last chunk the seller signs a receipt, the buyer countersigns it
  and records it with the ``receipt_graph`` trust plugin, then rates the seller;
- adversary: the ``shill_seller`` accepts bids and drains the first chunk but never delivers,
  and wash-trades receipts with its ``shill`` accounts, which praise it (role names as in
  Nanda Town's private_commerce). Buyers who are not
  delivered complain. The ``auditor`` logs every seller's final trust score.
Trust plugins without receipts (``score_average``) still work: receipts are then not recorded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.layers import LayerError
from node.sim.reference.receipt_trust import ReceiptTrust, receipt_body
from node.sim.tasks.wire import as_int, as_str, receive, send
from node.sim.tasktypes import TaskType, register_task

SEALED = b"SBID"
CAPABILITY = "sell"


class PrivateCommerceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rounds: int = Field(default=4, ge=1, le=10_000)
    start: int = Field(default=10, ge=1, le=1_000_000)
    period: int = Field(default=30, ge=1, le=1_000_000)
    chunks: int = Field(default=3, ge=1, le=1000)
    price: int = Field(default=30, ge=1, le=1_000_000)
    delivery_timeout: int = Field(default=8, ge=2, le=1_000_000)
    gossip_period: int = Field(default=2, ge=1, le=1_000_000)
    gossip_rounds: int = Field(default=30, ge=0, le=100_000)
    fanout: int = Field(default=2, ge=1, le=100)
    wash_amount: int = Field(default=10, ge=1, le=1_000_000)
    wash_at: int = Field(default=45, ge=1, le=1_000_000)
    trust_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    pairing: Literal["random", "sorted"] = "random"
    """``sorted``: buyer i bids only to the i-th seller (sellers and shill_sellers sorted by
    id), once its own view has discovered it and trusts it, so every seed gives the adversary
    exactly one victim (Nanda Town's private_commerce pairs this way)."""


def _streams(ctx: Context) -> Any:
    """The payments layer with streams (the ``streaming`` plugin); LayerError otherwise."""
    payments: Any = ctx.plugins.payments
    if not callable(getattr(payments, "open_stream", None)):
        raise LayerError("private_commerce needs a payments plugin with streams (streaming)")
    return payments


class Party(Agent):
    """Shared by every trading role: gossip, receipts (issue and countersign)."""

    __slots__ = ("cfg", "gossip_peers", "gossiped")

    def __init__(self, setup: Setup) -> None:
        self.cfg: PrivateCommerceConfig = setup.task_config
        r = setup.roster
        self.gossip_peers = [*r.ids("buyer"), *r.ids("seller"), *r.ids("shill_seller")]
        self.gossiped = 0

    # gossip ---------------------------------------------------------------------------
    def start_gossip(self, ctx: Context) -> None:
        if self.cfg.gossip_rounds and len(self.gossip_peers) > 1:
            ctx.schedule(1 + ctx.rng.randbelow(self.cfg.gossip_period), b"g")

    def gossip(self, ctx: Context) -> None:
        view: Any = ctx.plugins.registry
        digest = view.digest() if callable(getattr(view, "digest", None)) else []
        peers = self.gossip_peers
        for _ in range(self.cfg.fanout):
            peer = peers[ctx.rng.randbelow(len(peers))]
            if peer != ctx.agent_id:
                send(ctx, peer, "gossip", cards=digest)
        self.gossiped += 1
        if self.gossiped < self.cfg.gossip_rounds:
            ctx.schedule(self.cfg.gossip_period, b"g")

    def merge(self, ctx: Context, sender: str, body: Mapping[str, Any]) -> None:
        view: Any = ctx.plugins.registry
        if callable(getattr(view, "merge", None)):
            view.merge(sender, body.get("cards"))

    # receipts -------------------------------------------------------------------------
    def issue_receipt(
        self, ctx: Context, buyer: str, stream: str, amount: int, req: str, **extra: Any
    ) -> None:
        """Sign a receipt for ``stream`` and send it (with ``extra`` fields) in one message."""
        body = receipt_body(buyer, ctx.agent_id, stream, amount)
        ident = ctx.plugins.identity
        kind = "chunk" if extra else "receipt"
        send(
            ctx,
            buyer,
            kind,
            req=req,
            body=body.decode(),
            did=ident.did,
            sig=ident.sign(body).hex(),
            **extra,
        )

    def countersign(
        self, ctx: Context, seller: str, env_body: Mapping[str, Any], stream: str
    ) -> bool:
        """Verify the seller's receipt for ``stream``, countersign and record it; True when valid."""
        text, did, sig_hex = (as_str(env_body.get(k)) for k in ("body", "did", "sig"))
        try:
            sig = bytes.fromhex(sig_hex)
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return False
        if not isinstance(doc, dict):
            return False
        if (doc.get("buyer"), doc.get("seller"), doc.get("stream")) != (
            ctx.agent_id,
            seller,
            stream,
        ):
            return False
        body = text.encode()
        ident = ctx.plugins.identity
        if not ident.verify(did, body, sig):
            return False
        trust = ctx.plugins.trust
        if isinstance(trust, ReceiptTrust):
            trust.record_receipt(body, did, sig, ident.did, ident.sign(body))
        ctx.emit("receipt", seller=seller, stream=stream, amount=as_int(doc.get("amount"), 0))
        return True

    def paid_for(self, ctx: Context, buyer: str, stream: str, amount: int) -> bool:
        """Does ``stream`` from ``buyer`` to me hold at least ``amount``?"""
        st = _streams(ctx).stream(stream)
        return (
            st is not None and st.payer == buyer and st.payee == ctx.agent_id and st.paid >= amount
        )


@dataclass
class Trade:
    req: str
    seller: str
    stream: str = ""
    chunk_price: int = 0
    delivered: int = 0
    done: bool = False


class Buyer(Party):
    __slots__ = ("completed", "failed", "round", "sellers", "target", "trade")

    def __init__(self, setup: Setup) -> None:
        super().__init__(setup)
        # Gossip cards are unauthenticated: only agents that exist in the run can be bid to.
        self.sellers = frozenset([*setup.roster.ids("seller"), *setup.roster.ids("shill_seller")])
        ordered = sorted(self.sellers)
        self.target = ordered[setup.role_index % len(ordered)] if ordered else ""
        self.round = 0
        self.trade: Trade | None = None
        self.completed = 0
        self.failed = 0

    def on_start(self, ctx: Context) -> None:
        self.start_gossip(ctx)
        ctx.schedule(self.cfg.start + ctx.rng.randbelow(3), b"t")

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        if payload == b"g":
            self.gossip(ctx)
        elif payload == b"t":
            self._bid(ctx)
            self.round += 1
            if self.round < self.cfg.rounds:
                ctx.schedule(self.cfg.period, b"t")
        elif payload.startswith(b"x:"):
            self._timeout(ctx, payload[2:].decode())

    def _bid(self, ctx: Context) -> None:
        if self.trade is not None and not self.trade.done:
            self._give_up(ctx, self.trade)
        trust = ctx.plugins.trust
        sellers = [
            c.agent_id
            for c in ctx.plugins.registry.lookup(CAPABILITY)
            if c.agent_id in self.sellers and trust.score(c.agent_id) >= self.cfg.trust_threshold
        ]
        if self.cfg.pairing == "sorted":
            sellers = [s for s in sellers if s == self.target]
        if not sellers:
            ctx.emit("no_seller", round=self.round)
            return
        seller = sellers[ctx.rng.randbelow(len(sellers))]
        req = f"{ctx.agent_id}/{self.round}"
        price = self.cfg.price * self.cfg.chunks
        plain = json.dumps(
            {"item": "widget", "nonce": ctx.rng.randbytes(8).hex(), "price": price, "req": req},
            sort_keys=True,
            separators=(",", ":"),
        )
        self.trade = Trade(req, seller)
        ctx.emit("bid", to=seller, req=req, plaintext=plain)
        ctx.send(seller, SEALED + ctx.plugins.privacy.seal(seller, plain.encode()))

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None:
            return
        if env.kind == "gossip":
            self.merge(ctx, sender, env.body)
            return
        trade = self.trade
        if trade is None or trade.done or sender != trade.seller:
            return
        if as_str(env.body.get("req")) != trade.req:
            return
        if env.kind == "terms" and not trade.stream:
            chunk_price = as_int(env.body.get("chunk_price"))
            if not 0 < chunk_price <= self.cfg.price:
                return
            trade.chunk_price = chunk_price
            payments = _streams(ctx)
            try:
                trade.stream = payments.open_stream(
                    sender, chunk_price * self.cfg.chunks, trade.req
                )
            except LayerError:
                return
            self._pay_next(ctx, trade)
        elif env.kind == "chunk" and as_int(env.body.get("chunk")) == trade.delivered + 1:
            trade.delivered += 1
            if trade.delivered < self.cfg.chunks:
                self._pay_next(ctx, trade)
            elif self.countersign(ctx, sender, env.body, trade.stream):
                trade.done = True
                self.completed += 1
                ctx.plugins.trust.report(sender, 1.0)
                _streams(ctx).close_stream(trade.stream)

    def _pay_next(self, ctx: Context, trade: Trade) -> None:
        try:
            _streams(ctx).stream_pay(trade.stream, trade.chunk_price)
        except LayerError as exc:
            ctx.emit("unpaid", req=trade.req, reason=str(exc))
            trade.done = True
            return
        chunk = trade.delivered + 1
        send(ctx, trade.seller, "paid", req=trade.req, stream=trade.stream, chunk=chunk)
        ctx.schedule(self.cfg.delivery_timeout, b"x:%s:%d" % (trade.req.encode(), chunk))

    def _timeout(self, ctx: Context, key: str) -> None:
        req, _, chunk = key.rpartition(":")
        trade = self.trade
        if trade is None or trade.done or trade.req != req or trade.delivered >= int(chunk):
            return
        self._give_up(ctx, trade)

    def _give_up(self, ctx: Context, trade: Trade) -> None:
        trade.done = True
        self.failed += 1
        ctx.emit("undelivered", seller=trade.seller, req=trade.req, stream=trade.stream)
        ctx.plugins.trust.report(trade.seller, 0.0)
        if trade.stream:
            _streams(ctx).close_stream(trade.stream)


class Seller(Party):
    """Honest: delivers each paid chunk, then signs a receipt for the whole stream."""

    __slots__ = ("fulfilled",)
    delivers = True

    def __init__(self, setup: Setup) -> None:
        super().__init__(setup)
        self.fulfilled = 0

    def on_start(self, ctx: Context) -> None:
        ctx.plugins.registry.register([CAPABILITY], {"role": ctx.role})
        self.start_gossip(ctx)

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        if payload == b"g":
            self.gossip(ctx)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        if payload.startswith(SEALED):
            self._sealed_bid(ctx, sender, payload[len(SEALED) :])
            return
        env = receive(ctx, payload)
        if env is None:
            return
        body = env.body
        if env.kind == "gossip":
            self.merge(ctx, sender, body)
        elif env.kind == "paid":
            req, stream, chunk = (
                as_str(body.get("req")),
                as_str(body.get("stream")),
                as_int(body.get("chunk")),
            )
            if not req.startswith(sender + "/") or not 0 < chunk <= self.cfg.chunks:
                return
            self.on_paid(ctx, sender, req, stream, chunk)
        elif env.kind == "receipt":
            self.on_receipt(ctx, sender, body)

    def on_receipt(self, ctx: Context, sender: str, body: Mapping[str, Any]) -> None:
        """An honest seller never bought anything, so it countersigns no receipt: signing one
        would attest a delivery it did not receive (and let a ring link itself to it)."""

    def _sealed_bid(self, ctx: Context, sender: str, sealed: bytes) -> None:
        try:
            doc: Any = json.loads(ctx.plugins.privacy.open(sender, sealed))
        except (LayerError, ValueError, RecursionError):
            return
        if not isinstance(doc, dict):
            return
        req, price = as_str(doc.get("req")), as_int(doc.get("price"))
        if not req.startswith(sender + "/") or price < self.cfg.chunks:
            return
        ctx.emit("accept_bid", buyer=sender, req=req)
        send(ctx, sender, "terms", req=req, chunk_price=price // self.cfg.chunks)

    def on_paid(self, ctx: Context, buyer: str, req: str, stream: str, chunk: int) -> None:
        st = _streams(ctx).stream(stream)
        if st is None or not self.paid_for(ctx, buyer, stream, chunk * (st.cap // self.cfg.chunks)):
            return
        self.fulfilled += 1
        ctx.emit("fulfil", buyer=buyer, req=req, stream=stream, chunk=chunk)
        if chunk == self.cfg.chunks:  # the last chunk carries the signed receipt
            self.issue_receipt(ctx, buyer, stream, st.paid, req, chunk=chunk)
        else:
            send(ctx, buyer, "chunk", req=req, chunk=chunk)


def json_field(body: Mapping[str, Any], key: str) -> Any:
    """A field of the JSON document carried as text in ``body["body"]`` (a receipt)."""
    try:
        doc = json.loads(as_str(body.get("body")))
    except (ValueError, RecursionError):
        return None
    return doc.get(key) if isinstance(doc, dict) else None


class Shill(Seller):
    """Takes the first paid chunk and never delivers; wash-trades receipts with its puppets."""

    __slots__ = ("drained", "puppets")

    def __init__(self, setup: Setup) -> None:
        super().__init__(setup)
        self.drained = 0
        self.puppets = frozenset(setup.roster.ids("shill"))

    def on_paid(self, ctx: Context, buyer: str, req: str, stream: str, chunk: int) -> None:
        if buyer in self.puppets:
            st = _streams(ctx).stream(stream)
            if st is not None and self.paid_for(ctx, buyer, stream, st.cap):
                ctx.emit("fulfil", buyer=buyer, req=req, stream=stream, chunk=chunk)
                self.issue_receipt(ctx, buyer, stream, st.paid, req)
                self._wash_back(ctx, buyer, req, st.paid)
            return
        self.drained += 1  # the victim's chunk stays paid and undelivered

    def on_receipt(self, ctx: Context, sender: str, body: Mapping[str, Any]) -> None:
        if sender in self.puppets:  # the wash-back leg: the ring attests its own trades
            self.countersign(ctx, sender, body, as_str(json_field(body, "stream")))

    def _wash_back(self, ctx: Context, puppet: str, req: str, amount: int) -> None:
        payments = _streams(ctx)
        ref = "back-" + req
        try:
            stream = payments.open_stream(puppet, amount, ref)
            payments.stream_pay(stream, amount)
        except LayerError:
            return
        ctx.emit("wash", partner=puppet, stream=stream)
        send(ctx, puppet, "paid", req=f"{ctx.agent_id}/{ref}", stream=stream, chunk=1)


class Puppet(Party):
    """A sock-puppet account of the shill: pays it, gets paid back, praises it."""

    __slots__ = ("shill", "stream")

    def __init__(self, setup: Setup) -> None:
        super().__init__(setup)
        shills = setup.roster.ids("shill_seller")
        self.shill = shills[setup.role_index % len(shills)] if shills else ""
        self.stream = ""

    def on_start(self, ctx: Context) -> None:
        if self.shill:
            ctx.schedule(self.cfg.wash_at + ctx.rng.randbelow(4), b"w")

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        req = f"{ctx.agent_id}/wash"
        payments = _streams(ctx)
        try:
            self.stream = payments.open_stream(self.shill, self.cfg.wash_amount, "wash")
            payments.stream_pay(self.stream, self.cfg.wash_amount)
        except LayerError:
            return
        ctx.emit("wash", partner=self.shill, stream=self.stream)
        send(ctx, self.shill, "paid", req=req, stream=self.stream, chunk=1)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None or sender != self.shill:
            return
        if env.kind == "receipt" and self.countersign(ctx, sender, env.body, self.stream):
            ctx.plugins.trust.report(sender, 1.0)
        elif env.kind == "paid":
            stream, req = as_str(env.body.get("stream")), as_str(env.body.get("req"))
            st = _streams(ctx).stream(stream)
            if st is not None and self.paid_for(ctx, sender, stream, st.cap):
                ctx.emit("fulfil", buyer=sender, req=req, stream=stream, chunk=1)
                self.issue_receipt(ctx, sender, stream, st.paid, req)


class Auditor(Agent):
    """Logs every seller's final trust score: the evidence for the penalty validator."""

    __slots__ = ("sellers", "threshold")

    def __init__(self, setup: Setup) -> None:
        cfg: PrivateCommerceConfig = setup.task_config
        self.threshold = cfg.trust_threshold
        self.sellers = [*setup.roster.ids("seller"), *setup.roster.ids("shill_seller")]

    def on_stop(self, ctx: Context) -> None:
        trust = ctx.plugins.trust
        for seller in self.sellers:
            ctx.emit("trust", subject=seller, score=trust.score(seller), threshold=self.threshold)


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    buyers = [a for a in agents if isinstance(a, Buyer)]
    done = sum(b.completed for b in buyers)
    failed = sum(b.failed for b in buyers)
    return {
        "completed": float(done),
        "undelivered": float(failed),
        "completion_rate": done / (done + failed) if done + failed else None,
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if counts.get("buyer", 0) and not (counts.get("seller", 0) + counts.get("shill_seller", 0)):
        return "private_commerce needs a seller"
    if counts.get("shill", 0) and not counts.get("shill_seller", 0):
        return "shill accounts need a shill_seller"
    return None


TASK = register_task(
    TaskType(
        name="private_commerce",
        description="gossip discovery, sealed bids, streamed payments, receipts vs a shill",
        roles={
            "buyer": Buyer,
            "seller": Seller,
            "shill_seller": Shill,
            "shill": Puppet,
            "auditor": Auditor,
        },
        config_model=PrivateCommerceConfig,
        default_roles=lambda count: [
            ("buyer", max(count - 4, 0)),
            ("seller", min(count, 3)),
            ("auditor", 1 if count > 3 else 0),
        ],
        metrics=_metrics,
        metric_names=("completed", "undelivered", "completion_rate"),
        check_roles=_check,
    )
)
