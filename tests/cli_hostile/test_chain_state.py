"""`nets chain up --state FILE` with a FILE that cannot be anvil's state (empty, binary, a
device) exits 2 before anvil starts, instead of exit 1 after it fails (or after its 30 s start
timeout on /dev/zero)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_hostile.conftest import Nets


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "is not an anvil state file"), (bytes(range(256)) * 8, "is not an anvil state file")],
    ids=["empty", "binary"],
)
def test_a_state_file_that_is_not_json(
    nets: Nets, workdir: Path, content: bytes, reason: str
) -> None:
    state = workdir / "state.json"
    state.write_bytes(content)
    nets("chain", "up", "--no-deploy", "--state", str(state)).refused(f"--state: {state} {reason}")
    assert state.read_bytes() == content


def test_a_state_file_that_is_a_device(nets: Nets) -> None:
    nets("chain", "up", "--no-deploy", "--state", "/dev/null").refused(
        "--state: /dev/null is not a regular file"
    )
