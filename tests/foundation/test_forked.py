"""tests/forked.py: a forked helper process behaves as a started one would for what the tests
read of it (exit code or killing signal, output, environment, directory), and compiles wasm
even after the test process has compiled on its own engine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from node.wasm import AgentProgram, load_agent_file
from tests.forked import run_forked, run_nets, run_script

ROOT = Path(__file__).resolve().parents[2]
SNAKE = ROOT / "scenarios" / "agents" / "snake"


def test_exit_codes_output_environment_and_directory(tmp_path: Path) -> None:
    def child() -> None:
        print("out", os.environ["ONLY_HERE"], os.getcwd(), sys.argv)
        print("err", file=sys.stderr)
        sys.exit(3)

    done = run_forked(child, argv=["child", "x"], env={"ONLY_HERE": "1"}, cwd=tmp_path)
    assert done.returncode == 3
    assert done.stdout == f"out 1 {tmp_path} ['child', 'x']\n"
    assert done.stderr == "err\n"
    assert "ONLY_HERE" not in os.environ
    assert Path.cwd() != tmp_path


def test_a_kill_9_is_the_childs_own() -> None:
    done = run_forked(lambda: os.kill(os.getpid(), signal.SIGKILL), argv=["kill"])
    assert done.returncode == -signal.SIGKILL
    failed = run_forked(lambda: 1 / 0, argv=["raise"])
    assert failed.returncode == 1
    assert "ZeroDivisionError" in failed.stderr


def test_a_child_that_hangs_is_killed_at_the_timeout() -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        run_forked(lambda: signal.pause(), argv=["pause"], timeout=0.5)


def test_a_script_runs_as_main_and_nets_as_the_console_script(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text("import sys\nif __name__ == '__main__':\n    print(sys.argv[1:])\n")
    assert run_script(script, "a", "b").stdout == "['a', 'b']\n"
    bad = run_nets("wasm", "run", str(tmp_path / "missing.wat"))
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_the_child_compiles_wasm_after_the_parent_did() -> None:
    """wasmtime's compile threads stay in the parent: an engine compiling on them would make
    the child wait forever (here: the timeout); node/wasm/engine.py compiles on the caller."""
    parent = AgentProgram.load(load_agent_file(SNAKE / "greedy_v1.wat"))
    assert parent.decide(bytes(64), 10_000) is not None
    code = load_agent_file(SNAKE / "simple_v0.wat")

    def child() -> None:
        program = AgentProgram.load(code)
        print(program.valid, program.live() is not None)

    done = run_forked(child, argv=["compile"], timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "True True\n"
