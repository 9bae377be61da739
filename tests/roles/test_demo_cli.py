"""`nets demo` on the memory chain: the cheater is slashed, traces and the database are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main

pytestmark = pytest.mark.slow  # the whole demo, twice: `make test-fast` skips it


def test_demo_json(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--output", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    by_label = {a["label"]: a for a in report["agents"]}
    assert by_label["CHEATER"]["status"] == "voided"
    assert by_label["CHEATER"]["disqualified"]
    assert [d["reason"] for d in report["disputes"]] == ["STEP_MISMATCH"]
    assert report["verifier"]["won"] == [1]
    assert report["verifier"]["lost"] == []
    assert by_label["greedy"]["reward"] > 0
    assert by_label["hostile"]["reward"] == 0
    assert report["refusedAtRegistration"] == ["hostile/memory_bomb.wat: InvalidAgentModule"]
    assert (out / "nets.db").is_file()
    assert (out / "round-1" / "agent-4-match-0-claimed.jsonl").is_file()
    assert report["seconds"] < 60


def test_demo_tables_fit_80_columns_untruncated(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--output", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "settlement" in result.output
    assert "3,000,000" in result.output  # the winner's reward, in full
    assert "…" not in result.output
    assert max(len(line.rstrip()) for line in result.output.splitlines()) <= 80


def test_demo_bad_out(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["demo", "--output", str(blocker / "sub")])
    assert result.exit_code == 2


@pytest.mark.anvil
def test_demo_on_anvil(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--chain", "anvil", "--output", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    by_label = {a["label"]: a for a in report["agents"]}
    assert by_label["CHEATER"]["status"] == "voided"
    assert by_label["CHEATER"]["disqualified"]
    assert [d["verdict"] for d in report["disputes"]] == ["CLAIMANT_LOST"]
    verifier = next(b for b in report["balances"] if b["role"] == "verifier")
    assert verifier["arenaBalance"] == 100_000 + 250_000
