"""`--json` output is valid JSON even when the input smuggles in NaN or Infinity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

from tests.cli_hostile.conftest import Nets


def strict(constant: str) -> NoReturn:
    raise AssertionError(f"{constant} is not JSON")


def test_inspect_json_of_a_trace_with_nan(nets: Nets, workdir: Path) -> None:
    trace = workdir / "nan.jsonl"
    trace.write_text('{"kind":"run","name":"x","seed":NaN,"t":Infinity}\n')
    outcome = nets("inspect", str(trace), "--json")
    assert outcome.code == 0, outcome.stderr
    report = json.loads(outcome.stdout, parse_constant=strict)
    assert report["run"]["seed"] is None
    assert report["run"]["t"] is None
