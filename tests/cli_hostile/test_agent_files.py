"""An agent file far larger than any module (or endless, like /dev/zero) is refused after a
bounded read, in every command that takes one."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.wasm.files import MAX_AGENT_FILE_BYTES
from tests.cli_hostile.conftest import Nets


@pytest.fixture
def huge(workdir: Path) -> str:
    path = workdir / "huge.wasm"
    with path.open("wb") as sink:  # sparse: nothing is written but the size
        sink.truncate(MAX_AGENT_FILE_BYTES + 1)
    return str(path)


@pytest.mark.parametrize(
    "args",
    [
        ["wasm", "check", "--agent"],
        ["wasm", "run", "--obs-u64", "1", "--agent"],
        ["match", "run", "--system", "snake", "--agent"],
        ["league", "play", "snake", "--agent"],
        ["agent", "register", "--league", "snake", "--stake", "1 ether"],
        ["submit", "--once", "--register"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_huge_agent_file(nets: Nets, huge: str, args: list[str]) -> None:
    nets(*args, huge).refused(f"{huge} is larger than {MAX_AGENT_FILE_BYTES} bytes")
