"""Quick commands do not import what only other commands need (start-up time is a feature)."""

from __future__ import annotations

import json
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


HELP_PROBE = """
import json, sys
from node.cli import main
try:
    main([*sys.argv[1:], "--help"])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
own = ("node", "node.cli", "node.cli.usage")
loaded = sorted(m for m in sys.modules if m.startswith("node.") and m not in own)
heavy = sorted(m for m in ("rich", "web3", "sqlmodel", "wasmtime") if m in sys.modules)
print(json.dumps({"loaded": loaded, "heavy": heavy}))
"""


def help_imports(*args: str) -> tuple[str, list[str], list[str]]:
    """(help text, node modules imported beyond the root group, heavy libraries imported)."""
    done = subprocess.run(
        [sys.executable, "-c", HELP_PROBE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text, _, last = done.stdout.rstrip().rpartition("\n")
    imported = json.loads(last)
    return text, imported["loaded"], imported["heavy"]


def test_root_help_imports_no_command_module() -> None:
    from node.cli import COMMANDS

    text, loaded, heavy = help_imports()
    for name in COMMANDS:
        assert f"\n  {name} " in text, name
    assert (loaded, heavy) == ([], [])


def test_a_command_help_imports_that_command_only() -> None:
    text, loaded, _ = help_imports("wasm")
    assert "Usage: " in text
    assert "node.cli.wasm" in loaded
    assert not {"node.cli.chain", "node.cli.sim", "node.cli.league"} & set(loaded)


def test_every_summary_fits_one_line() -> None:
    from node.cli import COMMANDS

    for name, (_, _, summary) in COMMANDS.items():
        assert summary, name
        assert len(summary) <= 64, (name, summary)


def test_every_listed_command_loads() -> None:
    from click.testing import CliRunner

    from node.cli import COMMANDS, main

    for name in COMMANDS:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage: " in result.output
