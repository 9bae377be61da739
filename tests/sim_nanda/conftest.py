"""Scenario files in Nanda Town's schema (written for these tests) and a run-and-read helper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from node.sim import engine, scenario

FILES = Path(__file__).parent / "files"
TIER1 = ("auction", "consensus", "marketplace", "reputation", "supply_chain", "voting")
ALL_FILES = (*TIER1, "shell_marketplace")


def run_file(
    name: str, tmp_path: Path, *overrides: str
) -> tuple[engine.RunResult, list[dict[str, Any]]]:
    """Run ``files/NAME.yaml`` with overrides; the result and the trace lines."""
    trace = tmp_path / f"{name}.jsonl"
    result = engine.run(scenario.load(FILES / f"{name}.yaml", overrides=overrides), trace)
    return result, [json.loads(line) for line in trace.read_text().splitlines()]


def app(lines: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [e for e in lines if e.get("kind") == "app" and e.get("event") == event]
