"""A reason that quotes a hostile name (a file name with a newline in it) stays on one line."""

from __future__ import annotations

import pytest

from tests.cli_hostile.conftest import Nets

NAME = "a\nb.yaml"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["league", "validate", NAME], "a b.yaml: cannot read"),
        (["wasm", "check", "--agent", NAME], "cannot read agent file a b.yaml"),
        (["inspect", NAME], "no trace file a b.yaml"),
        (["validate", NAME], "no trace file a b.yaml"),
    ],
)
def test_newline_in_a_file_name(nets: Nets, args: list[str], reason: str) -> None:
    nets(*args).refused(reason)
