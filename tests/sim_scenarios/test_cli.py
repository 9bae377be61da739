"""`nets validate` exit codes and JSON, `nets report` output: offline, complete, escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from node.cli import main
from node.sim.report import SECTIONS
from tests.sim_scenarios.conftest import Runner, read_events, write_events


def test_validate_exit_codes(run_scenario: Runner, tmp_path: Path) -> None:
    cli = CliRunner()
    good = run_scenario("auction")
    assert cli.invoke(main, ["validate", str(good)]).exit_code == 0
    bad = run_scenario("private_commerce", "layers.privacy=noop")
    assert cli.invoke(main, ["validate", str(bad)]).exit_code == 1
    assert cli.invoke(main, ["validate", str(good), "--scenario", "voting"]).exit_code == 1
    # bad input: missing file, not a trace, unknown scenario
    for args in (
        [str(tmp_path / "missing.jsonl")],
        [str(write_events(tmp_path / "x.jsonl", [{"kind": "send"}]))],
        [str(good), "--scenario", "no-such-scenario"],
    ):
        result = cli.invoke(main, ["validate", *args])
        assert result.exit_code == 2, result.output
        assert result.output.startswith("error: ")
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(b"\xff\xfe{not json\n")
    assert cli.invoke(main, ["validate", str(garbage)]).exit_code == 2


def test_validate_json_and_builtin_scenario_name(run_scenario: Runner) -> None:
    trace = run_scenario("supply_chain")
    result = CliRunner().invoke(
        main, ["validate", str(trace), "--scenario", "supply_chain", "--json"]
    )
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["passed"] is True
    assert doc["suite"] == "supply_chain"
    assert [v["name"] for v in doc["verdicts"]] == ["goods_traced_through_all_hops"]


def test_report_is_self_contained_and_complete(run_scenario: Runner, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["report", str(run_scenario("private_commerce")), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert not re.search(r"https?:", html)
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(", html)
    for key in SECTIONS:
        assert f'<section id="{key}">' in html
    assert html.count("<svg") == 4
    for name in ("commerce_discovery_precedes_bid", "commerce_delivery_rewarded", "heal"):
        assert name in html


def test_report_escapes_hostile_trace_text(run_scenario: Runner, tmp_path: Path) -> None:
    events = read_events(run_scenario("auction"))
    events[0]["name"] = "<script>alert(1)</script>"
    for e in events:
        if e.get("agent") == "bidder-0":
            e["agent"] = '"><img src=x onerror=alert(1)>'
    trace = write_events(tmp_path / "hostile.jsonl", events)
    out = tmp_path / "hostile.html"
    result = CliRunner().invoke(main, ["report", str(trace), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_report_without_suite_and_bad_input(run_scenario: Runner, tmp_path: Path) -> None:
    out = tmp_path / "pp.html"
    cli = CliRunner()
    assert (
        cli.invoke(main, ["report", str(run_scenario("pingpong")), "-o", str(out)]).exit_code == 0
    )
    assert "no validators for scenario" in out.read_text()
    missing = cli.invoke(main, ["report", str(tmp_path / "nope.jsonl"), "-o", str(out)])
    assert missing.exit_code == 2


def test_validate_suite_from_a_scenario_file(run_scenario: Runner, tmp_path: Path) -> None:
    cli = CliRunner()
    assert cli.invoke(main, ["scenarios", "cp", "consensus", str(tmp_path)]).exit_code == 0
    trace = run_scenario("consensus")
    copied = str(tmp_path / "consensus.yaml")
    assert cli.invoke(main, ["validate", str(trace), "--scenario", copied]).exit_code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text("task: [1, 2]\n")
    assert cli.invoke(main, ["validate", str(trace), "--scenario", str(broken)]).exit_code == 2


def test_a_trace_header_naming_a_local_file_does_not_pick_validators(
    run_scenario: Runner, tmp_path: Path
) -> None:
    """A trace from elsewhere names a scenario file on this machine (task and name): the file
    is not read; validate refuses (2) and report notes that no suite applies."""
    cli = CliRunner()
    assert cli.invoke(main, ["scenarios", "cp", "consensus", str(tmp_path)]).exit_code == 0
    local = str(tmp_path / "consensus.yaml")
    events = read_events(run_scenario("consensus"))
    events[0]["task"] = events[0]["name"] = local
    forged = write_events(tmp_path / "forged.jsonl", events)
    result = cli.invoke(main, ["validate", str(forged)])
    assert result.exit_code == 2, result.output
    assert "no validators for scenario" in result.output
    assert cli.invoke(main, ["validate", str(forged), "--scenario", local]).exit_code == 0
    out = tmp_path / "report.html"
    assert cli.invoke(main, ["report", str(forged), "-o", str(out)]).exit_code == 0
    assert "no validators for scenario" in out.read_text()
