"""Shared fixtures: each built-in scenario is run once per test session, traces kept on disk."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from node.sim import engine, scenario

SUITE_SCENARIOS = (
    "marketplace",
    "auction",
    "voting",
    "consensus",
    "supply_chain",
    "reputation",
    "private_commerce",
    "llm_marketplace",
)

Runner = Callable[..., Path]


@pytest.fixture(scope="session")
def run_scenario(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """run_scenario(name, *overrides) -> trace path (cached per argument list)."""
    cache: dict[tuple[str, ...], Path] = {}
    base = tmp_path_factory.mktemp("traces")

    def run(name: str, *overrides: str) -> Path:
        key = (name, *overrides)
        if key not in cache:
            path = base / f"{len(cache)}-{name}.jsonl"
            engine.run(scenario.load(name, overrides=overrides), path)
            cache[key] = path
        return cache[key]

    return run


def read_events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def write_events(path: Path, events: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events))
    return path
