"""Round execution: every match of every entrant, in parallel processes, as claims.

A round plays ``matches_per_round`` matches per agent; match ``i`` of agent ``a`` is seeded by
``match_seed(round_seed, a, i)``. Each agent's claim is the RFC 9162 root over its match
summaries in match order, posted with the per-match scores.

Parallelism: AgentProgram is not thread-safe and compiles per process, so matches run in a
ProcessPoolExecutor (forkserver start method with the runner preloaded, else spawn). The
initializer ships the round (system, params, fuel) and every distinct agent code once per
worker; each worker compiles a code the first time a task needs it and keeps it by code
hash. Tasks are strided chunks of (agent, match) pairs so the per-task overhead is paid a few
times per worker, not once per match. Results are identical to an in-process run:
every match depends only on its seed and the agent code, and results are placed by
(agent, match index), never by completion order.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext

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


# -- the worker side ---------------------------------------------------------------------------

Task = tuple[int, int]
"""(agent id, match index)."""


@dataclass
class _Worker:
    spec: RoundSpec
    codes: Mapping[int, bytes]
    keep_traces: bool
    system: System = field(init=False)
    programs: dict[bytes, AgentProgram] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.system = load_system(self.spec.system)

    def program(self, agent_id: int) -> AgentProgram:
        code = self.codes[agent_id]
        code_hash = keccak256(code)
        program = self.programs.get(code_hash)
        if program is None:
            program = self.programs[code_hash] = AgentProgram.load(code)
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

    def play_chunk(self, chunk: Sequence[Task]) -> list[tuple[MatchRecord, MatchResult | None]]:
        return [self.play(task) for task in chunk]


_worker: _Worker | None = None


def _init_worker(spec: RoundSpec, codes: Mapping[int, bytes], keep_traces: bool) -> None:
    global _worker
    # Ctrl-C reaches the whole process group: the driver decides when to stop (a role finishes
    # its step), so a worker must not die under it mid-batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = _Worker(spec, codes, keep_traces)


def _play_chunk(chunk: Sequence[Task]) -> list[tuple[MatchRecord, MatchResult | None]]:
    assert _worker is not None, "worker not initialised"
    return _worker.play_chunk(chunk)


# -- the driver --------------------------------------------------------------------------------


def pool_context(name: str = "forkserver") -> BaseContext:
    """The start method for round workers: a forkserver that has imported the runner once (so
    each worker starts without re-importing wasmtime and the systems), else spawn. Never plain
    fork: the parent may hold a wasmtime engine, which a forked child must not inherit."""
    if name == "forkserver" and name in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn" if name == "forkserver" else name)


def default_workers() -> int:
    return os.cpu_count() or 1


def chunked(tasks: Sequence[Task], workers: int, per_worker: int = 4) -> list[list[Task]]:
    """About ``per_worker`` chunks per worker: few enough to keep overhead low, enough to balance.

    Chunks are strided (chunk k holds tasks k, k + n, k + 2n, ...) so that one agent's matches,
    which tend to be alike in length, spread over every chunk instead of filling one.
    """
    if not tasks:
        return []
    count = min(len(tasks), max(1, workers * per_worker))
    return [list(tasks[start::count]) for start in range(count)]


def run_round(
    spec: RoundSpec,
    agents: Mapping[int, bytes],
    *,
    workers: int | None = None,
    keep_traces: bool = False,
    progress: ProgressCallback | None = None,
    mp_context: str = "forkserver",
) -> RoundResult:
    """Play every match of the round for ``agents`` (agent id -> code bytes).

    ``workers`` processes (default: one per CPU); 1 plays in this process. ``keep_traces``
    returns the full MatchResults (entries and final states) besides the records.
    """
    for agent_id in agents:
        if not 0 <= agent_id < 2**64:
            raise ValueError(f"agent id out of uint64 range: {agent_id}")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be at least 1")
    tasks: list[Task] = [
        (agent_id, index) for agent_id in sorted(agents) for index in range(spec.matches_per_round)
    ]
    codes = {agent_id: bytes(code) for agent_id, code in agents.items()}
    played: dict[Task, tuple[MatchRecord, MatchResult | None]] = {}

    def collect(batch: Iterable[tuple[MatchRecord, MatchResult | None]]) -> None:
        count = 0
        for record, result in batch:
            played[(record.agent_id, record.match_index)] = (record, result)
            count += 1
        if progress is not None:
            progress(count)

    workers = min(workers, max(1, len(tasks)))
    if workers == 1:
        worker = _Worker(spec, codes, keep_traces)
        for chunk in chunked(tasks, 1, per_worker=max(1, len(tasks) // 16)):
            collect(worker.play_chunk(chunk))
    else:
        context = pool_context(mp_context)
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(spec, codes, keep_traces),
        ) as pool:
            futures = [pool.submit(_play_chunk, chunk) for chunk in chunked(tasks, workers)]
            for future in as_completed(futures):
                collect(future.result())

    return RoundResult(spec, _assemble(spec, codes, played), workers)


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
