"""The chains the reliability tests kill things on: memory:FILE, memory:db and a `nets chain
up` anvil, each in a scratch NETS_HOME; and `nets` run as its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.forked import run_nets, run_script

REPO = Path(__file__).resolve().parents[2]
NETS = str(Path(sys.executable).parent / "nets")
GREEDY = str(REPO / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
PRELOAD = ("adapters.web3chain", "eth_account")
"""What a forked `nets` on these chains imports on its way (tests/forked.py)."""


@dataclass
class Node:
    """One node's `--chain` and `--db` in ``home`` (its NETS_HOME and working directory).
    ``forked``: its `nets` and helper processes are forked from the test process
    (tests/forked.py) rather than started afresh."""

    kind: str
    chain: str
    db: str
    home: Path
    forked: bool = False

    @property
    def args(self) -> list[str]:
        return ["--chain", self.chain, "--db", self.db]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("NETS_CHAIN", "NETS_DB")}
        return {**env, "NETS_HOME": str(self.home / ".nets"), "PYTHONPATH": str(REPO)}

    def run(
        self, *args: str, prefix: tuple[str, ...] = (NETS,)
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *args], cwd=self.home, env=self.env(), capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip

    def nets(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`nets ARGS` in ``home``."""
        if self.forked:
            return run_nets(*args, preload=PRELOAD, env=self.env(), cwd=self.home)
        return self.run(*args)

    def script(self, path: str, *args: str) -> subprocess.CompletedProcess[str]:
        """`python PATH ARGS` in ``home``."""
        if self.forked:
            return run_script(path, *args, preload=PRELOAD, env=self.env(), cwd=self.home)
        return self.run(sys.executable, path, *args, prefix=())

    def events(self) -> Counter[str]:
        """How many of each event the chain holds, read in a process of its own."""
        done = self.script(str(Path(__file__).with_name("count_events.py")), self.chain, self.db)
        assert done.returncode == 0, done.stderr
        return Counter(json.loads(done.stdout))


@pytest.fixture(params=["memory-file", "memory-db", pytest.param("anvil", marks=pytest.mark.anvil)])
def node(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    kind: str = request.param
    db = f"sqlite:///{tmp_path / 'node.db'}"
    if kind == "memory-file":
        yield Node(kind, f"memory:{tmp_path / 'chain.json'}", db, tmp_path, forked=True)
        return
    if kind == "memory-db":
        yield Node(kind, "memory:db", db, tmp_path, forked=True)
        return
    node = Node(kind, "", db, tmp_path, forked=True)
    up = node.nets("chain", "up", "--block-time", "0", "--json")
    assert up.returncode == 0, up.stderr
    node.chain = json.loads(up.stdout)["url"]
    try:
        yield node
    finally:
        node.nets("chain", "down")
