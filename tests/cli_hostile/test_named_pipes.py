"""A named pipe no one writes to, given where a file is read, is refused at once instead of
blocking the command forever."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_hostile.conftest import Nets


@pytest.mark.parametrize(
    ("args", "name", "reason"),
    [
        (["wasm", "check", "--agent"], "agent.wat", "is a named pipe, not a file"),
        (["match", "run", "--system", "snake", "--agent"], "a.wasm", "is a named pipe, not a file"),
        (["league", "show"], "league.yaml", "a named pipe, not a file"),
        (["agent", "status", "1", "--chain"], "chain.json", "is not a regular file"),
    ],
    ids=["wasm check", "match run", "league show", "memory chain file"],
)
def test_a_named_pipe(nets: Nets, workdir: Path, args: list[str], name: str, reason: str) -> None:
    pipe = workdir / name
    os.mkfifo(pipe)
    target = f"memory:{pipe}" if args[-1] == "--chain" else str(pipe)
    nets(*args, target).refused(reason)
