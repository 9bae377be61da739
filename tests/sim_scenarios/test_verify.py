"""`nets sim verify`: replaying the named scenario reproduces the root, tampering does not."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from node.cli import main
from tests.sim_scenarios.conftest import Runner


def test_verify_replays_and_detects_tampering(run_scenario: Runner, tmp_path: Path) -> None:
    cli = CliRunner()
    trace = run_scenario("voting")
    result = cli.invoke(main, ["sim", "verify", str(trace), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["verified"] is True
    assert doc["file_root"] == doc["replay_root"] == doc["stored_root"]

    lines = trace.read_text().splitlines()
    lines[5] = lines[5].replace('"t":', '"t": ', 1)
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(lines) + "\n")
    assert cli.invoke(main, ["sim", "verify", str(forged)]).exit_code == 1

    header = json.loads(lines[0])
    header["name"] = "no-such-scenario"
    renamed = tmp_path / "renamed.jsonl"
    renamed.write_text(json.dumps(header) + "\n")
    assert cli.invoke(main, ["sim", "verify", str(renamed)]).exit_code == 2
    assert cli.invoke(main, ["sim", "verify", str(tmp_path / "missing")]).exit_code == 2
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b"\x00\xff")
    assert cli.invoke(main, ["sim", "verify", str(junk)]).exit_code == 2


def test_verify_needs_the_same_overrides(run_scenario: Runner) -> None:
    trace = run_scenario("private_commerce", "layers.privacy=noop")
    cli = CliRunner()
    assert cli.invoke(main, ["sim", "verify", str(trace)]).exit_code == 1
    same = cli.invoke(main, ["sim", "verify", str(trace), "--set", "layers.privacy=noop"])
    assert same.exit_code == 0, same.output
