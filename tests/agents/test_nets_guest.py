"""nets v0's guest snake agent, from its Rust source: built with compiler defaults plus only
the flags the scaffold adds, it plays exactly as its WAT twin, and with `initial_length=1`
(nets v0's one-cell start) it scores as in nets v0 instead of dying on its first move."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from adapters.toolchain import PROJECT_ROOT
from node.agents.build import RUST_FLAGS, RUST_OPT, BuildError, build, check, load_project
from node.agents.toolchains import toolchain
from node.match import run_match
from node.systems.base import load_system
from node.wasm import DEFAULT_FUEL, AgentProgram, Outcome, load_agent_file
from tests.agents.conftest import need_toolchain

SNAKE = PROJECT_ROOT / "scenarios" / "agents" / "snake"
GUEST_RS = SNAKE / "nets_guest_v0.rs"
SEEDS = range(5)


def _rustc(tmp_path: Path, flags: tuple[str, ...]) -> bytes:
    out = tmp_path / "guest.wasm"
    rustc = str(toolchain("rust").tools["rustc"])
    subprocess.run([rustc, *flags, str(GUEST_RS), "-o", str(out)], check=True, timeout=300)
    return out.read_bytes()


def _scores(program: AgentProgram, initial_length: int) -> list[tuple[int, int, bytes]]:
    system = load_system("snake")
    params = system.encode_params({"initial_length": initial_length})
    results = []
    for seed in SEEDS:
        result = run_match(system, program, seed.to_bytes(32, "big"), params, DEFAULT_FUEL)
        assert result.outcome == Outcome.OK
        results.append((result.score, result.steps, result.trace_root))
    return results


def test_built_guest_plays_as_its_wat_twin_and_scores_with_nets_v0s_start() -> None:
    need_toolchain("rust")
    program = build(GUEST_RS).program
    assert program.abi == 0
    twin = AgentProgram.load(load_agent_file(SNAKE / "nets_guest_v0.wat"))
    for length in (1, 3):
        assert _scores(program, length) == _scores(twin, length)  # same moves, same traces
    one_cell = _scores(program, 1)
    assert all(steps > 1 for _, steps, _ in one_cell), "dies on the first move with length 1"
    assert sum(score for score, _, _ in one_cell) >= 25
    # With the default length 3 it turns back into its neck on 3 of the 5 seeds.
    assert sum(steps == 1 for _, steps, _ in _scores(program, 3)) == 3


def test_compiler_defaults_plus_the_scaffold_flags_pass_and_without_them_the_fix_is_named(
    tmp_path: Path,
) -> None:
    need_toolchain("rust")
    project = load_project(GUEST_RS)
    assert check(project, _rustc(tmp_path, RUST_FLAGS)).abi == 0
    # Also at rustc's default opt-level 0: the scaffold's flags without its opt-level.
    at = RUST_FLAGS.index(RUST_OPT)
    assert check(project, _rustc(tmp_path, RUST_FLAGS[: at - 1] + RUST_FLAGS[at + 1 :])).abi == 0
    # The ordinary way, as an agent owner would: refused, and the message names the flags.
    ordinary = ("--target", "wasm32-unknown-unknown", "--crate-type", "cdylib",
                "-C", "opt-level=s", "-C", "panic=abort")  # fmt: skip
    with pytest.raises(BuildError) as refused:
        check(project, _rustc(tmp_path, ordinary))
    message = str(refused.value)
    assert "memory initial size 16 pages, limit 2" in message
    assert "-C link-arg=--initial-memory=131072" in message
    assert "\n" not in message
