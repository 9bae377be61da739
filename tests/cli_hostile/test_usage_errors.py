"""Click's own usage errors (bad option value, missing option, unknown command or option) are
one `error:` line naming the command, not click's four-line usage block."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_hostile.conftest import GREEDY, Nets

CASES = [
    (["nosuch"], "nets: No such command 'nosuch'"),
    (["--bogus"], "nets: No such option '--bogus'"),
    (["league", "lsit"], "Did you mean 'list'?"),
    (["match", "run"], "nets match run: Missing option '--system'"),
    (
        ["wasm", "run", "--agent", GREEDY, "--obs-u64", "1", "--fuel", "abc"],
        "--fuel: expected a decimal integer or 0x hex",
    ),
    (["agent", "status", "abc"], "nets agent status: Invalid value for 'AGENT_ID'"),
    (["agent", "status", "-5"], "No such option '-5'"),
    (["league", "play", "snake", "--agent", GREEDY, "--workers", "x"], "'--workers'"),
    (["run", "consensus", "--seed", "-1"], "--seed: must be between 0 and 2**64-1"),
    (["submit", "--register", GREEDY, "--account", "10"], "'--account'"),
    (["chain", "up", "--port", "99999"], "'--port'"),
    (["demo", "--chain", "nosuch"], "'--chain'"),
    (["inspect", "--top", "abc", "t.jsonl"], "'--top'"),
    (["wasm", "run", "--agent"], "Option '--agent' requires an argument"),
]


@pytest.mark.parametrize(("args", "reason"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_error_is_one_line(nets: Nets, args: list[str], reason: str) -> None:
    nets(*args).refused(reason)


@pytest.mark.parametrize(
    "args",
    [["league", "validate"], ["inspect"], ["report"], ["sim", "verify"], ["validate"]],
)
def test_a_directory_where_a_file_is_expected(nets: Nets, workdir: Path, args: list[str]) -> None:
    (workdir / "adir").mkdir()
    nets(*args, "adir").refused("is a directory")


def test_run_output_with_no_trace(nets: Nets) -> None:
    nets("run", "pingpong", "--no-trace", "-o", "t.jsonl").refused("--output names a trace")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["run", "pingpong", "-o", ""], "--output: empty path"),
        (["scenarios", "cp", "pingpong", ""], "DIRECTORY: empty path"),
        (["demo", "--output", ""], "--output: empty path"),
    ],
    ids=["run", "scenarios cp", "demo"],
)
def test_an_empty_output_path_writes_nothing(
    nets: Nets, workdir: Path, args: list[str], reason: str
) -> None:
    nets(*args).refused(reason)
    assert not list(workdir.iterdir())
