"""`nets doctor`: healthy on a set-up machine, names the missing piece otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main


def run_doctor(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(main, ["doctor", "--json", *args], env=env)
    return result.exit_code, json.loads(result.output)


def checks_by_name(report: dict[str, object]) -> dict[str, dict[str, object]]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return {check["name"]: check for check in checks}


def test_healthy_machine_passes(tmp_path: Path) -> None:
    code, report = run_doctor("--db", f"sqlite:///{tmp_path / 'nets.db'}")
    assert code == 0, report
    assert report["ok"] is True
    names = set(checks_by_name(report))
    assert {
        "python",
        "wasmtime fuel",
        "native engine",
        "anvil",
        "forge",
        "solc",
        "solc compiles",
        "database",
        "sim plugins",
        "sim determinism",
    } <= names
    assert any(name.startswith("dependency web3") for name in names)


TOOLS = ("anvil", "forge", "solc")


def test_each_missing_piece_is_named_with_a_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One broken machine, one doctor run (each run costs ~3 CPU-s of tool processes): every
    tool missing, the native engine not built, the database unwritable; each check names its
    own piece and a fix."""
    from node.native import runner

    monkeypatch.setattr(runner, "load", lambda: (None, "libnets_engine.so not built"))
    env = {f"{tool.upper()}_BINARY": str(tmp_path / f"no-{tool}") for tool in TOOLS}
    db = f"sqlite:///{tmp_path / 'missing-dir' / 'x' / 'nets.db'}"
    code, report = run_doctor("--db", db, env=env)
    assert code == 1
    checks = checks_by_name(report)
    for tool in TOOLS:
        check = checks[tool]
        assert check["ok"] is False
        assert f"no-{tool}" in str(check["detail"])
        assert check["fix"]
    native = checks["native engine"]
    assert native["ok"] is False
    assert "not built" in str(native["detail"])
    assert "make setup" in str(native["fix"])
    database = checks["database"]
    assert database["ok"] is False
    assert "NETS_DB" in str(database["fix"])


@pytest.mark.slow
def test_human_output_has_one_line_per_check(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["doctor", "--db", f"sqlite:///{tmp_path / 'nets.db'}"],
        env={"FORGE_BINARY": "/nonexistent/forge"},
    )
    assert result.exit_code == 1
    failing = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 1
    assert "forge" in failing[0]
    assert "fix:" in failing[0]
