"""LLM marketplace (tier 2): the marketplace with negotiation decisions made by an LLM.

Buyers and sellers keep the marketplace's protocol and evidence (so its validators apply); only
the accept / counter / walk decision comes from an LLM provider (``provider: mock | openai |
anthropic``). Each call is a trace ``app`` event ``llm`` (prompt digest, raw answer, decision).
An answer that does not parse, a counter outside the agent's limit, or a call beyond
``max_calls`` per agent falls back to the negotiation layer, so a model cannot make an agent
overpay or undersell, and a run always terminates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from node.sim.agent import Agent, Context, Setup
from node.sim.layers import Reply, Session
from node.sim.tasks import marketplace
from node.sim.tasks.llm import (
    LlmError,
    LlmProvider,
    RecordingProvider,
    ReplayProvider,
    make_provider,
    missing_key,
    parse_decision,
)
from node.sim.tasktypes import TaskType, register_task

SYSTEM = {
    True: "You sell an item. Reply with exactly one of: ACCEPT | COUNTER <price> | WALK.",
    False: "You buy an item. Reply with exactly one of: ACCEPT | COUNTER <price> | WALK.",
}


class LlmMarketplaceConfig(marketplace.MarketplaceConfig):
    provider: Literal["mock", "openai", "anthropic"] = "mock"
    model: str = Field(default="", max_length=100)
    max_calls: int = Field(default=20, ge=0, le=10_000)
    record: str | None = Field(default=None, min_length=1, max_length=4096)
    """Append every answer to this JSONL file (for a later ``replay``)."""
    replay: str | None = Field(default=None, min_length=1, max_length=4096)
    """Answer from this recording instead of calling a model (no key needed)."""
    _provider: LlmProvider | None = PrivateAttr(default=None)


def provider_for(cfg: LlmMarketplaceConfig) -> LlmProvider:
    """The run's provider (built once per run: a recording file is the run's own)."""
    found = cfg._provider
    if found is None:
        if cfg.replay is not None:
            found = ReplayProvider(Path(cfg.replay), cfg.model)
        else:
            found = make_provider(cfg.provider, cfg.model)
        if cfg.record is not None:
            found = RecordingProvider(found, Path(cfg.record))
        cfg._provider = found
    return found


def llm_decide(agent: Any, ctx: Context, session: Session, offer: int) -> Reply:
    """Ask the provider; fall back to the negotiation layer on any unusable answer."""
    cfg: LlmMarketplaceConfig = agent.cfg
    if agent.llm_calls >= cfg.max_calls or session.state != "open":
        return ctx.plugins.negotiation.respond(session, offer)
    agent.llm_calls += 1
    prompt = (
        f"item negotiation {session.session_id}: limit={session.reservation} offer={offer} "
        f"round={session.round}" + (f" last={session.last_offer}" if session.last_offer else "")
    )
    try:
        answer = provider_for(cfg).complete(SYSTEM[session.selling], prompt)[:200]
    except Exception as exc:  # a provider failure must not end the run: fall back
        answer = f"error: {type(exc).__name__}"
    decision = parse_decision(answer)
    digest = hashlib.sha256(prompt.encode()).hexdigest()[:16]
    ctx.emit(
        "llm",
        session=session.session_id,
        prompt=digest,
        answer=answer,
        decision=decision[0] if decision else "invalid",
    )
    limit = session.reservation
    if decision is None or (
        decision[0] == "counter"
        and (
            decision[1] is None or (decision[1] < limit if session.selling else decision[1] > limit)
        )
    ):
        return ctx.plugins.negotiation.respond(session, offer)
    if decision[0] == "accept" and (offer < limit if session.selling else offer > limit):
        return ctx.plugins.negotiation.respond(session, offer)  # never beyond the limit
    session.round += 1
    if decision[0] == "accept":
        session.state = "agreed"
        return Reply("accept", offer)
    if decision[0] == "walk":
        session.state = "broken"
        return Reply("breakdown", None)
    session.last_offer = decision[1]
    return Reply("counter", decision[1])


class LlmSeller(marketplace.Seller):
    __slots__ = ("llm_calls",)

    def __init__(self, setup: Setup) -> None:
        super().__init__(setup)
        self.llm_calls = 0

    def decide(self, ctx: Context, session: Session, offer: int) -> Reply:
        return llm_decide(self, ctx, session, offer)


class LlmBuyer(marketplace.Buyer):
    __slots__ = ("llm_calls",)

    def __init__(self, setup: Setup) -> None:
        super().__init__(setup)
        self.llm_calls = 0

    def decide(self, ctx: Context, session: Session, offer: int) -> Reply:
        return llm_decide(self, ctx, session, offer)


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    out = dict(marketplace.TASK.metrics(agents, cfg)) if marketplace.TASK.metrics else {}
    out["llm_calls"] = float(sum(getattr(a, "llm_calls", 0) for a in agents))
    return out


def _check(counts: Any, cfg: Any) -> str | None:
    problem = marketplace.TASK.check_roles(counts, cfg)
    if problem is None and cfg.replay is None:
        problem = missing_key(cfg.provider)
    if problem is None and (cfg.provider != "mock" or cfg.replay or cfg.record):
        try:
            provider_for(cfg)
        except LlmError as exc:
            return str(exc)
    return problem


TASK = register_task(
    TaskType(
        name="llm_marketplace",
        description="the marketplace with LLM-driven negotiation decisions (tier 2)",
        roles={"buyer": LlmBuyer, "seller": LlmSeller},
        config_model=LlmMarketplaceConfig,
        default_roles=marketplace.TASK.default_roles,
        metrics=_metrics,
        metric_names=(*marketplace.TASK.metric_names, "llm_calls"),
        check_roles=_check,
    )
)
