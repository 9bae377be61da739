"""Quick commands do not import what only other commands need (start-up time is a feature)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from node.cli import main
try:
    main(["wasm", "run", "--agent", sys.argv[1], "--obs-u64", "5", "--json"])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
heavy = sorted(m for m in ("sqlalchemy", "sqlmodel", "web3", "node.sim.engine") if m in sys.modules)
print("heavy:", heavy)
"""


def test_wasm_run_imports_neither_the_database_nor_web3() -> None:
    agent = ROOT / "scenarios" / "agents" / "rps" / "beat_last_v0.wat"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(agent)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"outcome": "ok"' in done.stdout
    assert done.stdout.strip().endswith("heavy: []"), done.stdout


def test_every_listed_command_loads() -> None:
    from click.testing import CliRunner

    from node.cli import COMMANDS, main

    for name in COMMANDS:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage: " in result.output
