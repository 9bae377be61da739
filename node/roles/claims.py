"""A claim as its owner holds it: per-match summaries (posted as one root) and, on demand, the
step entries of one match, from which every dispute move is answered.

A strategy decides what the owner claims. ``HonestStrategy`` claims what the agent really
did; node.roles.adversary holds the cheating ones (tests and the demo only). Strategies are
deterministic, so a restarted submitter rebuilds exactly the claim it posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from adapters.arena_ops import Entry, Summary
from node.executor.base import Executor
from node.league.rounds import ProgressCallback, RoundSpec, play_match, run_round
from node.merkle import inclusion_proof, merkle_root


@dataclass(frozen=True)
class ClaimedMatch:
    """One match as claimed: its summary and its step entries (77-byte trace v1 entries)."""

    summary: Summary
    entries: tuple[bytes, ...]

    def entry(self, step: int) -> Entry:
        return Entry.unpack(self.entries[step])[1]

    def proof(self, step: int) -> list[bytes]:
        return inclusion_proof(list(self.entries), step)


@dataclass(frozen=True)
class ClaimHeader:
    """What is posted: the summaries (their root is the claim root) and the scores."""

    summaries: tuple[Summary, ...]

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(summary.score for summary in self.summaries)

    @property
    def root(self) -> bytes:
        return merkle_root([s.packed(i) for i, s in enumerate(self.summaries)])

    def summary_proof(self, index: int) -> list[bytes]:
        return inclusion_proof([s.packed(i) for i, s in enumerate(self.summaries)], index)


def honest_match(spec: RoundSpec, agent_id: int, code: bytes, index: int) -> ClaimedMatch:
    result = play_match(spec, agent_id, code, index)
    summary = Summary(result.seed, result.trace_root, result.steps, result.score)
    return ClaimedMatch(summary, result.entries)


class ClaimStrategy(Protocol):
    """What an owner claims for its agent, and whether it defends its claims."""

    name: str
    answers_disputes: bool

    def headers(
        self,
        spec: RoundSpec,
        agents: Mapping[int, bytes],
        executor: Executor,
        progress: ProgressCallback | None = None,
    ) -> dict[int, ClaimHeader]: ...

    def match(self, spec: RoundSpec, agent_id: int, code: bytes, index: int) -> ClaimedMatch: ...


def honest_headers(
    spec: RoundSpec,
    agents: Mapping[int, bytes],
    executor: Executor,
    progress: ProgressCallback | None = None,
) -> dict[int, ClaimHeader]:
    """Every agent's true claim, its matches played on ``executor`` (``progress`` is told how
    many matches each finished batch held)."""
    if not agents:
        return {}
    result = run_round(spec, agents, executor=executor, progress=progress)
    return {
        entry.agent_id: ClaimHeader(
            tuple(Summary(r.seed, r.trace_root, r.steps, r.score) for r in entry.matches)
        )
        for entry in result.agents
    }


class HonestStrategy:
    """Claim exactly what the agent did; reveal the true trace in every dispute."""

    name = "honest"
    answers_disputes = True

    def headers(
        self,
        spec: RoundSpec,
        agents: Mapping[int, bytes],
        executor: Executor,
        progress: ProgressCallback | None = None,
    ) -> dict[int, ClaimHeader]:
        return honest_headers(spec, agents, executor, progress)

    def match(self, spec: RoundSpec, agent_id: int, code: bytes, index: int) -> ClaimedMatch:
        return honest_match(spec, agent_id, code, index)


def header_of(matches: Sequence[ClaimedMatch]) -> ClaimHeader:
    return ClaimHeader(tuple(m.summary for m in matches))
