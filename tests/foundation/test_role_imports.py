"""A node on the memory chain starts without web3 and eth-account: each role process,
restart and CLI call on it pays only for what it uses (their import is most of its start-up).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
from node.cli import main
try:
    main(sys.argv[1:], prog_name="nets")
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
heavy = ("web3", "eth_account", "eth_keyfile", "py_ecc", "requests", "aiohttp")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""
GREEDY = str(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")


def imported(home: Path, *args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=home,
        env={"PATH": "/usr/bin:/bin", "NETS_HOME": str(home / ".nets"), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.rstrip().rpartition("\n")[2])


@pytest.mark.parametrize("chain", ["memory:chain.json", "memory:db"])
def test_roles_on_the_memory_chain_import_neither_web3_nor_eth_account(
    tmp_path: Path, chain: str
) -> None:
    node = ["--chain", chain, "--db", f"sqlite:///{tmp_path / 'node.db'}"]
    assert imported(tmp_path, "league", "create", "demo", *node) == []
    submit = ["submit", "--register", GREEDY, "--stake", "1000", "--once", *node]
    assert imported(tmp_path, *submit) == []
    assert imported(tmp_path, "verify", "--once", *node) == []
