"""Voting: a proposer submits proposals, a coordinator runs one ballot each, voters vote.

Voters retransmit their vote (``resend``) as an at-least-once sender would, so the coordinator
must count each voter once per ballot. At the ballot deadline the coordinator publishes the
tally to the proposer; a proposal passes when yes / votes counted >= ``threshold`` (Nanda
Town's rule; ``rounds`` is its name for the number of proposals). Evidence: propose, ballot, vote, count, duplicate, tally, result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from node.sim.agent import Agent, Context, Setup
from node.sim.ratio import reaches
from node.sim.tasks.wire import as_int, as_str, receive, send
from node.sim.tasktypes import TaskType, register_task


class VotingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    proposals: int = Field(default=3, ge=1, le=10_000)
    window: int = Field(default=10, ge=2, le=1_000_000)
    spacing: int = Field(default=15, ge=1, le=1_000_000)
    resend: int = Field(default=1, ge=0, le=10)
    yes_percent: int = Field(default=60, ge=0, le=100)
    rounds: int | None = Field(default=None, ge=1, le=10_000)
    """Nanda Town's name for ``proposals`` (one proposal per round)."""
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """A proposal passes when yes / votes counted >= threshold (Nanda Town's rule)."""

    @property
    def proposal_count(self) -> int:
        return self.rounds if self.rounds is not None else self.proposals


class Proposer(Agent):
    __slots__ = ("cfg", "coordinator", "results", "sent")

    def __init__(self, setup: Setup) -> None:
        self.cfg: VotingConfig = setup.task_config
        self.coordinator = setup.roster.ids("coordinator")[0]
        self.sent = 0
        self.results = 0

    def on_start(self, ctx: Context) -> None:
        ctx.schedule(1)

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        proposal = f"{ctx.agent_id}/p{self.sent}"
        self.sent += 1
        ctx.emit("propose", proposal=proposal)
        send(ctx, self.coordinator, "propose", proposal=proposal)
        if self.sent < self.cfg.proposal_count:
            ctx.schedule(self.cfg.spacing)

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is not None and env.kind == "result":
            self.results += 1
            body = env.body
            ctx.emit(
                "result",
                proposal=as_str(body.get("proposal")),
                yes=as_int(body.get("yes")),
                no=as_int(body.get("no")),
                passed=body.get("passed") is True,
            )


class Coordinator(Agent):
    __slots__ = ("ballots", "cfg", "tallied", "voters")

    def __init__(self, setup: Setup) -> None:
        self.cfg: VotingConfig = setup.task_config
        self.voters = setup.roster.ids("voter")
        self.ballots: dict[str, tuple[str, dict[str, str]]] = {}
        self.tallied = 0

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None:
            return
        proposal = as_str(env.body.get("proposal"))
        if env.kind == "propose" and proposal and proposal not in self.ballots:
            self.ballots[proposal] = (sender, {})
            ctx.emit("ballot", proposal=proposal, voters=len(self.voters))
            for voter in self.voters:
                send(ctx, voter, "ballot", proposal=proposal)
            ctx.schedule(self.cfg.window, proposal.encode())
        elif env.kind == "vote":
            ballot = self.ballots.get(proposal)
            choice = as_str(env.body.get("choice"))
            if ballot is None or choice not in ("yes", "no") or sender not in self.voters:
                return
            votes = ballot[1]
            if sender in votes:
                ctx.emit("duplicate", proposal=proposal, voter=sender)
                return
            votes[sender] = choice
            ctx.emit("count", proposal=proposal, voter=sender, choice=choice)

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        proposal = payload.decode()
        proposer, votes = self.ballots[proposal]
        yes = sum(1 for c in votes.values() if c == "yes")
        no = len(votes) - yes
        passed = reaches(yes, len(votes), self.cfg.threshold)
        self.tallied += 1
        ctx.emit(
            "tally",
            proposal=proposal,
            yes=yes,
            no=no,
            passed=passed,
            threshold=repr(self.cfg.threshold),
        )
        send(ctx, proposer, "result", proposal=proposal, yes=yes, no=no, passed=passed)


class Voter(Agent):
    __slots__ = ("cfg", "votes")

    def __init__(self, setup: Setup) -> None:
        self.cfg: VotingConfig = setup.task_config
        self.votes = 0

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        env = receive(ctx, payload)
        if env is None or env.kind != "ballot":
            return
        proposal = as_str(env.body.get("proposal"))
        choice = "yes" if ctx.rng.randbelow(100) < self.cfg.yes_percent else "no"
        self.votes += 1
        ctx.emit("vote", proposal=proposal, choice=choice)
        for _ in range(1 + self.cfg.resend):
            send(ctx, sender, "vote", proposal=proposal, choice=choice)


def _metrics(agents: Sequence[Agent], cfg: Any) -> dict[str, float | None]:
    coords = [a for a in agents if isinstance(a, Coordinator)]
    ballots = sum(len(c.ballots) for c in coords)
    tallied = sum(c.tallied for c in coords)
    return {
        "tallied": float(tallied),
        "completion_rate": tallied / ballots if ballots else None,
    }


def _check(counts: Mapping[str, int], cfg: Any) -> str | None:
    if counts.get("coordinator", 0) != 1:
        return "voting has exactly one coordinator"
    return None


TASK = register_task(
    TaskType(
        name="voting",
        description="proposals, one ballot each, votes counted once despite retransmission",
        roles={"proposer": Proposer, "coordinator": Coordinator, "voter": Voter},
        config_model=VotingConfig,
        default_roles=lambda count: [
            ("proposer", 1),
            ("coordinator", 1),
            ("voter", max(count - 2, 0)),
        ],
        metrics=_metrics,
        metric_names=("tallied", "completion_rate"),
        check_roles=_check,
    )
)
