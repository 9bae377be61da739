"""Round execution: every match of every entrant, in parallel, as claims.

A round plays ``matches_per_round`` matches per agent; match ``i`` of agent ``a`` is seeded by
``match_seed(round_seed, a, i)``. Each agent's claim is the RFC 9162 root over its match
summaries in match order, posted with the per-match scores.

Parallelism goes through an executor (node.executor: ``local`` processes or ``ray`` tasks).
``RoundWork`` carries the round (system, params, fuel) and every distinct agent code and is
shipped once per worker; a worker compiles a code the first time a chunk needs it and keeps
it by code hash (AgentProgram is not thread-safe, so it is never shared across processes).
Tasks are strided chunks of (agent, match) pairs so the per-task overhead is paid a few times
per worker, not once per match. Results are identical whichever executor runs them: every
match depends only on its seed and the agent code, and results are placed by (agent, match
index), never by completion order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from node.executor.base import Executor, strided
from node.executor.local import LocalExecutor
from node.match import MatchResult, run_match
from node.systems.base import System, load_system
from node.trace import MatchSummary, claim_root, keccak256, match_seed
from node.wasm import AgentProgram

ProgressCallback = Callable[[int], None]
"""Called with the number of matches just finished."""


@dataclass(frozen=True)
class RoundSpec:
    """What every match of a round shares."""

    system: str
    params: bytes
    fuel: int
    matches_per_round: int
    round_seed: bytes

    def __post_init__(self) -> None:
        if len(self.round_seed) != 32:
            raise ValueError("round seed must be 32 bytes")
        if self.matches_per_round < 0:
            raise ValueError("matches_per_round must not be negative")


@dataclass(frozen=True)
class MatchRecord:
    """One finished match without its trace: what a claim and the node's database need."""

    agent_id: int
    match_index: int
    seed: bytes
    trace_root: bytes
    steps: int
    score: int
    outcome: int
    fuel_used: int

    @property
    def summary(self) -> MatchSummary:
        return MatchSummary(self.match_index, self.seed, self.trace_root, self.steps, self.score)


@dataclass(frozen=True)
class AgentRound:
    """One agent's round: its matches in match order and the claim they make."""

    agent_id: int
    code_hash: bytes
    matches: tuple[MatchRecord, ...]
    claim_root: bytes
    results: tuple[MatchResult, ...] | None = None
    """The full match results (traces), when the round was run with ``keep_traces``."""

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(record.score for record in self.matches)

    @property
    def total(self) -> int:
        return sum(self.scores)

    @property
    def summaries(self) -> tuple[MatchSummary, ...]:
        return tuple(record.summary for record in self.matches)


@dataclass(frozen=True)
class RoundResult:
    """Every entrant's round, by agent id ascending."""

    spec: RoundSpec
    agents: tuple[AgentRound, ...]
    workers: int = field(default=1, compare=False)

    def agent(self, agent_id: int) -> AgentRound:
        for entry in self.agents:
            if entry.agent_id == agent_id:
                return entry
        raise KeyError(agent_id)

    def ranking(self) -> list[AgentRound]:
        """The settlement order: total descending, then agent id ascending (Arena.settleRound)."""
        return sorted(self.agents, key=lambda entry: (-entry.total, entry.agent_id))


def play_match(
    spec: RoundSpec, agent_id: int, code: bytes, match_index: int, *, record_states: bool = False
) -> MatchResult:
    """One match of the round, in this process: what a dispute needs (entries, proofs and, with
    ``record_states``, every pre-state for the one-step proof). Equal to the round's record."""
    seed = match_seed(spec.round_seed, agent_id, match_index)
    return run_match(
        load_system(spec.system),
        AgentProgram.load(code),
        seed,
        spec.params,
        spec.fuel,
        record_states=record_states,
    )


# -- the work ---------------------------------------------------------------------------------

Task = tuple[int, int]
"""(agent id, match index)."""

Played = list[tuple[MatchRecord, MatchResult | None]]


@dataclass
class RoundWork:
    """What every chunk of a round shares; pickled without its caches (rebuilt per worker)."""

    spec: RoundSpec
    codes: Mapping[int, bytes]
    keep_traces: bool
    _system: System | None = field(default=None, init=False, repr=False, compare=False)
    _programs: dict[bytes, AgentProgram] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, Any]:
        # equal codes become one object, which pickle then writes once
        distinct: dict[bytes, bytes] = {}
        codes = {agent_id: distinct.setdefault(code, code) for agent_id, code in self.codes.items()}
        return {"spec": self.spec, "codes": codes, "keep_traces": self.keep_traces}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._system = None
        self._programs = {}

    @property
    def system(self) -> System:
        if self._system is None:
            self._system = load_system(self.spec.system)
        return self._system

    def program(self, agent_id: int) -> AgentProgram:
        code = self.codes[agent_id]
        code_hash = keccak256(code)
        program = self._programs.get(code_hash)
        if program is None:
            program = self._programs[code_hash] = AgentProgram.load(code)
        return program

    def play(self, task: Task) -> tuple[MatchRecord, MatchResult | None]:
        agent_id, index = task
        seed = match_seed(self.spec.round_seed, agent_id, index)
        result = run_match(
            self.system, self.program(agent_id), seed, self.spec.params, self.spec.fuel
        )
        record = MatchRecord(
            agent_id,
            index,
            seed,
            result.trace_root,
            result.steps,
            result.score,
            result.outcome,
            result.fuel_used,
        )
        return record, (result if self.keep_traces else None)

    def __call__(self, chunk: Sequence[Task]) -> Played:
        return [self.play(task) for task in chunk]


# -- the driver --------------------------------------------------------------------------------


def run_round(
    spec: RoundSpec,
    agents: Mapping[int, bytes],
    *,
    workers: int | None = None,
    executor: Executor | None = None,
    keep_traces: bool = False,
    progress: ProgressCallback | None = None,
) -> RoundResult:
    """Play every match of the round for ``agents`` (agent id -> code bytes).

    On ``executor`` when given, else on ``workers`` local processes (default: one per CPU; 1
    plays in this process). ``keep_traces`` returns the full MatchResults (entries and final
    states) besides the records.
    """
    for agent_id in agents:
        if not 0 <= agent_id < 2**64:
            raise ValueError(f"agent id out of uint64 range: {agent_id}")
    runner = executor if executor is not None else LocalExecutor(workers)
    tasks: list[Task] = [
        (agent_id, index) for agent_id in sorted(agents) for index in range(spec.matches_per_round)
    ]
    codes = {agent_id: bytes(code) for agent_id, code in agents.items()}
    played: dict[Task, tuple[MatchRecord, MatchResult | None]] = {}
    chunks = strided(tasks, runner.chunk_count(len(tasks)))
    for batch in runner.map_chunks(RoundWork(spec, codes, keep_traces), chunks):
        for record, result in batch:
            played[(record.agent_id, record.match_index)] = (record, result)
        if progress is not None:
            progress(len(batch))
    workers_used = min(runner.workers, max(1, len(chunks)))
    return RoundResult(spec, _assemble(spec, codes, played), workers_used)


def _assemble(
    spec: RoundSpec,
    codes: Mapping[int, bytes],
    played: Mapping[Task, tuple[MatchRecord, MatchResult | None]],
) -> tuple[AgentRound, ...]:
    rounds: list[AgentRound] = []
    for agent_id in sorted(codes):
        pairs = [played[(agent_id, index)] for index in range(spec.matches_per_round)]
        records = tuple(record for record, _ in pairs)
        results = tuple(result for _, result in pairs if result is not None)
        rounds.append(
            AgentRound(
                agent_id=agent_id,
                code_hash=keccak256(codes[agent_id]),
                matches=records,
                claim_root=claim_root(record.summary for record in records),
                results=results if len(results) == len(records) and records else None,
            )
        )
    return tuple(rounds)
