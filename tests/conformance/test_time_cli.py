"""`nets chain mine` and `nets chain advance` on the memory chains that outlive a command
(`memory:FILE`, `memory:db`): the same effect as on a devnet (tests/adapters/test_chain_cli.py)
and kept for the next command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.memory.persist import load_file
from node.cli import main


def _run(*args: str) -> dict[str, int]:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("where", ["file", "db"])
def test_mine_and_advance_on_a_kept_memory_chain(tmp_path: Path, where: str) -> None:
    chain = (
        ["--chain", f"memory:{tmp_path / 'chain.json'}"]
        if where == "file"
        else ["--chain", "memory:db", "--db", f"sqlite:///{tmp_path / 'n.db'}"]
    )
    first = _run("chain", "mine", *chain)
    mined = _run("chain", "mine", "4", *chain)
    # time alone may add blocks between two commands, never remove any
    assert mined["block"] >= first["block"] + 4
    assert mined["time"] >= first["time"]
    advanced = _run("chain", "advance", "--seconds", "86400", *chain)
    assert advanced["block"] >= mined["block"] + 1
    assert advanced["time"] >= mined["time"] + 86_400
    again = _run("chain", "mine", *chain)
    assert again["time"] >= advanced["time"]
    assert again["block"] > advanced["block"]
    if where == "file":
        world = load_file(tmp_path / "chain.json")
        assert world.ledger.wall_clock
        assert world.ledger.block_interval == 1
