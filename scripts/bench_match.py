"""Match runner throughput: steps/s per system with its good agent, hashing and trace included.

For each system it plays whole matches (default params) on both engines side by side, seed
by seed (the reference loop in Python, node.match, and the fast engine in C, node.native),
for a few seconds, checks that both give the same trace root and reports steps per second of
process CPU time (what one dedicated core gives on a shared machine) and of wall time, the
ratio, and how many fast matches fell back to the reference path. Beside it: the raw
decision rate of the sandbox on the same observations (node.wasm, wasmtime), and the rate of
everything else the reference loop does (system transition, observation, state hashing,
entry packing, leaf hashing). A last table times the hashing fast paths against their
references.

    .venv/bin/python scripts/bench_match.py [--seconds 3] [--json]
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from node import native
from node.match import run_match
from node.merkle import leaf_hash, merkle_root, root_from_leaf_hashes
from node.systems.base import System, load_system
from node.trace import keccak256
from node.trace.keccak import keccak256_reference
from node.wasm import DEFAULT_FUEL, AgentProgram, Decision, load_agent_file

REPO = Path(__file__).resolve().parents[1]
GOOD_AGENTS = {
    "snake": "greedy_v1.wat",
    "rps": "pattern_v1.wat",
    "connect4": "tactics_v1.wat",
    "predict": "hypotheses_v1.wat",
}


@dataclass(frozen=True)
class SystemFigures:
    system: str
    agent: str
    matches: int
    steps: int
    reference_steps_per_s_cpu: float
    fast_steps_per_s_cpu: float
    fast_steps_per_s_wall: float
    speedup: float
    fast_fallbacks: int
    """Fast-engine matches that ran on the reference path instead (0 expected)."""
    decisions_per_s_cpu: float
    replayed_steps_per_s_cpu: float
    """Steps/s of the runner with decisions replayed from memory: everything but the sandbox."""


def seed_of(index: int) -> bytes:
    return index.to_bytes(32, "big")


def bench_system(name: str, seconds: float) -> SystemFigures:
    system = load_system(name)
    params = system.encode_params(system.default_params())
    program = AgentProgram.load(
        load_agent_file(REPO / "scenarios" / "agents" / name / GOOD_AGENTS[name])
    )
    for engine in ("reference", "fast"):  # warm up
        run_match(system, program, seed_of(10_000), params, DEFAULT_FUEL, engine=engine)

    matches = steps = 0
    cpu = {"reference": 0.0, "fast": 0.0}
    fast_wall = 0.0
    fallbacks_before = sum(native.COUNTS.fallbacks.values())
    while sum(cpu.values()) < 2 * seconds or matches < 3:
        seed = seed_of(matches)
        cpu0 = time.process_time()
        reference = run_match(system, program, seed, params, DEFAULT_FUEL, engine="reference")
        cpu1, wall1 = time.process_time(), time.perf_counter()
        fast = run_match(system, program, seed, params, DEFAULT_FUEL, engine="fast")
        cpu2, wall2 = time.process_time(), time.perf_counter()
        if (fast.trace_root, fast.score, fast.fuel_used) != (
            reference.trace_root,
            reference.score,
            reference.fuel_used,
        ):
            raise SystemExit(f"{name} seed {matches}: the engines disagree")
        cpu["reference"] += cpu1 - cpu0
        cpu["fast"] += cpu2 - cpu1
        fast_wall += wall2 - wall1
        steps += reference.steps
        matches += 1

    decisions_per_s = decision_rate(system, program, params, seconds / 2)
    replayed = replayed_rate(system, program, params, seconds / 2)
    return SystemFigures(
        system=name,
        agent=GOOD_AGENTS[name],
        matches=matches,
        steps=steps,
        reference_steps_per_s_cpu=steps / cpu["reference"],
        fast_steps_per_s_cpu=steps / cpu["fast"],
        fast_steps_per_s_wall=steps / fast_wall,
        speedup=cpu["reference"] / cpu["fast"],
        fast_fallbacks=sum(native.COUNTS.fallbacks.values()) - fallbacks_before,
        decisions_per_s_cpu=decisions_per_s,
        replayed_steps_per_s_cpu=replayed,
    )


class Replay:
    """An agent that hands back recorded decisions in order: the runner minus the sandbox."""

    def __init__(self, abi: int | None, decisions: list[Decision]) -> None:
        self.abi = abi
        self.decisions = decisions
        self.next = 0

    def decide(self, observation: bytes, fuel: int) -> Decision:
        decision = self.decisions[self.next]
        self.next += 1
        return decision


def replayed_rate(system: System, program: AgentProgram, params: bytes, seconds: float) -> float:
    """Runner steps per CPU second with the agent's decisions replayed from memory."""
    recorded: list[list[Decision]] = []
    for index in range(5):
        recorder = Recorder(program)
        run_match(system, recorder, seed_of(index), params, DEFAULT_FUEL, engine="reference")
        recorded.append(recorder.log)
    steps = 0
    cpu0 = time.process_time()
    while time.process_time() - cpu0 < seconds:
        for index, log in enumerate(recorded):
            replay = Replay(program.abi, log)
            played = run_match(
                system, replay, seed_of(index), params, DEFAULT_FUEL, engine="reference"
            )
            steps += played.steps
    return steps / (time.process_time() - cpu0)


class Recorder:
    """The real agent, logging every decision it makes."""

    def __init__(self, program: AgentProgram) -> None:
        self.abi = program.abi
        self.program = program
        self.log: list[Decision] = []

    def decide(self, observation: bytes, fuel: int) -> Decision:
        decision = self.program.decide(observation, fuel)
        self.log.append(decision)
        return decision


def decision_rate(system: System, program: AgentProgram, params: bytes, seconds: float) -> float:
    """Raw sandbox decisions per CPU second on the observations of real matches."""
    abi = program.abi
    assert abi is not None
    observations: list[bytes] = []
    for index in range(3):
        played = run_match(
            system, program, seed_of(index), params, DEFAULT_FUEL, record_states=True
        )
        assert played.states is not None
        observations += [system.observe(state, abi) for state in played.states[:-1]]
    count = 0
    cpu0 = time.process_time()
    while time.process_time() - cpu0 < seconds:
        for observation in observations:
            program.decide(observation, DEFAULT_FUEL)
        count += len(observations)
    return count / (time.process_time() - cpu0)


def per_call_us(func: Callable[[], object], repeat: int) -> float:
    start = time.process_time()
    for _ in range(repeat):
        func()
    return (time.process_time() - start) / repeat * 1e6


def micro() -> dict[str, float]:
    """Microseconds per call of the fast paths and their references."""
    state = bytes(range(256)) * 2
    entries = [i.to_bytes(77, "big") for i in range(500)]
    hashes = [leaf_hash(entry) for entry in entries]
    return {
        "keccak256 (512 B state), fast path": per_call_us(lambda: keccak256(state), 20_000),
        "keccak256 (512 B state), Crypto.Hash.keccak.new": per_call_us(
            lambda: keccak256_reference(state), 20_000
        ),
        "root of 500 leaf hashes, root_from_leaf_hashes": per_call_us(
            lambda: root_from_leaf_hashes(hashes), 200
        ),
        "root of 500 entries, pymerkle": per_call_us(lambda: merkle_root(entries), 20),
    }


@click.command()
@click.option(
    "--seconds",
    default=3.0,
    show_default=True,
    help="CPU seconds of matches per engine and system.",
)
@click.option("--system", "systems", multiple=True, help="Only these systems (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def main(seconds: float, systems: tuple[str, ...], as_json: bool) -> None:
    figures = [bench_system(name, seconds) for name in (systems or GOOD_AGENTS)]
    costs = micro()
    if as_json:
        print(json.dumps({"systems": [asdict(f) for f in figures], "micro_us": costs}, indent=2))
        return
    table = Table(title="match runner, one core (good agent, default params, fuel 10,000)")
    columns = (
        "system",
        "agent",
        "matches",
        "steps",
        "reference steps/s CPU",
        "fast steps/s CPU",
        "fast/reference",
        "fast steps/s wall",
        "fast fallbacks",
        "sandbox decisions/s CPU",
        "reference, replayed decisions, steps/s CPU",
    )
    for column in columns:
        table.add_column(column, justify="left" if column in ("system", "agent") else "right")
    for f in figures:
        table.add_row(
            f.system,
            f.agent,
            str(f.matches),
            f"{f.steps:,}",
            f"{f.reference_steps_per_s_cpu:,.0f}",
            f"{f.fast_steps_per_s_cpu:,.0f}",
            f"{f.speedup:.1f}x",
            f"{f.fast_steps_per_s_wall:,.0f}",
            str(f.fast_fallbacks),
            f"{f.decisions_per_s_cpu:,.0f}",
            f"{f.replayed_steps_per_s_cpu:,.0f}",
        )
    micro_table = Table(title="hashing fast paths (us per call, CPU)")
    micro_table.add_column("operation")
    micro_table.add_column("us", justify="right")
    for name, value in costs.items():
        micro_table.add_row(name, f"{value:,.1f}")
    console = Console(width=160)
    console.print(table)
    console.print(micro_table)


if __name__ == "__main__":
    main()
