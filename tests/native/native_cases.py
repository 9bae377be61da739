"""Helpers of the native engine tests: both engines on one case, compared field by field."""

from __future__ import annotations

from pathlib import Path

from node.match import MatchResult, run_match
from node.systems.base import System
from node.wasm import AgentProgram, load_agent_file

REPO = Path(__file__).resolve().parents[2]
AGENT_FILES = sorted(
    p for p in (REPO / "scenarios" / "agents").rglob("*") if p.suffix in (".wat", ".wasm")
)
SYSTEMS = ("snake", "rps", "connect4", "predict")


def load_program(path: Path) -> AgentProgram:
    return AgentProgram.load(load_agent_file(path))


def figures(result: MatchResult) -> tuple[object, ...]:
    """Everything a match reports, except which engine played it."""
    return (
        result.seed,
        result.steps,
        result.score,
        result.outcome,
        result.trace_root,
        result.fuel_used,
        result.entries,
        result.initial_state_hash,
        result.final_state_hash,
        result.final_encoding,
        result.final_state,
    )


def both(
    system: System, program: AgentProgram, seed: bytes, params: bytes, fuel: int
) -> tuple[MatchResult, MatchResult]:
    """(reference, fast) results of one match."""
    reference = run_match(system, program, seed, params, fuel, engine="reference")
    fast = run_match(system, program, seed, params, fuel, engine="fast")
    return reference, fast
