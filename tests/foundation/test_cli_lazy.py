"""Quick commands do not import what only other commands need (start-up time is a feature)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fresh import run_python

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
    done = run_python(PROBE, str(agent), timeout=60)
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
    done = run_python(HELP_PROBE, *args, timeout=60)
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


RUN_PROBE = """
import json, sys
from node.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
heavy = ("rich", "web3", "eth_account", "wasmtime", "sqlmodel", "sqlalchemy", "ray", "cryptography")
print(json.dumps({
    "heavy": sorted(m for m in heavy if m in sys.modules),
    "commands": sorted(m for m in sys.modules if m.startswith("node.cli.")),
    "tasks": sorted(m for m in sys.modules if m.startswith("node.sim.tasks.")),
}), file=sys.stderr)
"""
RUN_COMMANDS = ["node.cli.common", "node.cli.options", "node.cli.plain", "node.cli.sim"]
RUN_COMMANDS += ["node.cli.usage"]


def run_imports(tmp_path: Path, *args: str) -> dict[str, list[str]]:
    """The modules a `nets run` in a subprocess imported, its stdout a pipe (not a terminal)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = run_python(RUN_PROBE, "run", *args, cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("output", [(), ("--json",), ("--no-trace",)])
def test_nets_run_on_a_scenario_file_imports_no_heavy_module(
    tmp_path: Path, output: tuple[str, ...]
) -> None:
    """A simulator run with its summary on a pipe (or as JSON) needs none of the chain, the
    database, the WASM sandbox or rich; and no other command's module."""
    source = ROOT / "node" / "sim" / "scenarios" / "marketplace.yaml"
    trace = () if "--no-trace" in output else ("-o", "t.jsonl")  # short: no line wraps
    loaded = run_imports(tmp_path, str(source), *trace, *output)
    assert loaded["heavy"] == []
    assert loaded["commands"] == RUN_COMMANDS
    assert loaded["tasks"] == ["node.sim.tasks.marketplace"]


# A node on the memory chain starts without web3 and eth-account: each role process, restart
# and CLI call on it pays only for what it uses (their import was most of its start-up).
ROLE_PROBE = """
import json, sys
from node.cli import main
try:
    main(sys.argv[1:], prog_name="nets")
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
heavy = ("web3", "eth_account", "eth_keyfile", "py_ecc", "requests", "aiohttp")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""
ROLE_AGENT = str(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")


def role_imports(home: Path, *args: str) -> list[str]:
    env = {"PATH": "/usr/bin:/bin", "NETS_HOME": str(home / ".nets"), "PYTHONPATH": str(ROOT)}
    done = run_python(ROLE_PROBE, *args, cwd=home, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.rstrip().rpartition("\n")[2])


@pytest.mark.parametrize("chain", ["memory:chain.json", "memory:db"])
def test_roles_on_the_memory_chain_import_neither_web3_nor_eth_account(
    tmp_path: Path, chain: str
) -> None:
    node = ["--chain", chain, "--db", f"sqlite:///{tmp_path / 'node.db'}"]
    assert role_imports(tmp_path, "league", "create", "demo", *node) == []
    submit = ["submit", "--register", ROLE_AGENT, "--stake", "1000", "--once", *node]
    assert role_imports(tmp_path, *submit) == []
    assert role_imports(tmp_path, "verify", "--once", *node) == []
