"""Helpers for simulator tests: small scenario dicts and a run-to-lines shortcut."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from node.sim import engine, scenario


def make(task: str = "pingpong", count: int = 10, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "t",
        "seed": 1,
        "agents": {"count": count},
        "task": {"type": task, "config": {}},
        "duration": "ticks: 1000",
    }
    data.update(extra)
    return data


def run_lines(data: dict[str, Any], path: Path) -> tuple[engine.RunResult, list[dict[str, Any]]]:
    result = engine.run(scenario.validate(data), path)
    return result, [json.loads(line) for line in path.read_text().splitlines()]
