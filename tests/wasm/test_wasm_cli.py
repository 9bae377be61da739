"""`nets wasm run` and `nets wasm check`: outputs, JSON, and exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main

HOSTILE = Path(__file__).resolve().parents[2] / "scenarios" / "agents" / "hostile"
ECHO = '(module (func (export "decide") (param i64) (result i64) local.get 0 i64.const 1 i64.add))'


@pytest.fixture
def echo_agent(tmp_path: Path) -> Path:
    path = tmp_path / "echo.wat"
    path.write_text(ECHO)
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["wasm", *args])
    return result.exit_code, result.output


def test_run_json(echo_agent: Path) -> None:
    code, out = run("run", "--agent", str(echo_agent), "--obs-u64", "41", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["outcome"] == "ok"
    assert report["action"] == 42
    assert report["fuel_used"] == 4
    assert report["abi"] == 0
    assert report["agent_code_hash"].startswith("0x")
    assert len(report["agent_code_hash"]) == 66


def test_run_text_with_hex_observation(echo_agent: Path) -> None:
    code, out = run("run", "--agent", str(echo_agent), "--obs", "0xffffffffffffffff")
    assert code == 0
    assert "outcome          ok" in out
    assert "action           0" in out


def test_run_reports_hostile_outcomes() -> None:
    code, out = run("run", "--agent", str(HOSTILE / "infinite_loop.wat"), "--obs-u64", "0", "--fuel", "500", "--json")  # fmt: skip
    assert code == 0
    assert json.loads(out)["outcome"] == "out_of_fuel"
    assert json.loads(out)["fuel_used"] == 500
    code, out = run("run", "--agent", str(HOSTILE / "floats.wat"), "--obs-u64", "0", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["outcome"] == "invalid_module"
    assert "float" in report["invalid_reason"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--obs-u64", "1", "--obs", "0x00"], "exactly one"),
        ([], "exactly one"),
        (["--obs", "0xzz"], "not valid hex"),
        (["--obs-u64", "-1"], "outside"),
        (["--obs-u64", "x"], "not an integer"),
        (["--obs-u64", "1", "--fuel", "20001"], "--fuel"),
        (["--obs", "0x0102"], "8-byte observation"),
    ],
)
def test_run_bad_input_exits_2(echo_agent: Path, args: list[str], message: str) -> None:
    code, out = run("run", "--agent", str(echo_agent), *args)
    assert code == 2
    assert message in out


def test_run_unreadable_or_bad_wat_exits_2(tmp_path: Path) -> None:
    code, out = run("run", "--agent", str(tmp_path / "missing.wasm"), "--obs-u64", "1")
    assert code == 2
    assert "cannot read" in out
    bad = tmp_path / "bad.wat"
    bad.write_text("(module (func")
    code, out = run("run", "--agent", str(bad), "--obs-u64", "1")
    assert code == 2
    assert "bad WAT" in out


def test_check(echo_agent: Path) -> None:
    code, out = run("check", "--agent", str(echo_agent), "--json")
    assert code == 0
    assert json.loads(out)["valid"] is True
    code, out = run("check", "--agent", str(HOSTILE / "imports.wat"))
    assert code == 1
    assert "import section not allowed" in out
