"""A pytest plugin that records each test's CPU: its own, and its waited-for child processes'
(``resource.getrusage``), one JSON line per test in out/cpu-probe/WORKER.jsonl. Where the
suite's CPU goes, by test and by module (docs/benchmarks/suite.md):

    PYTHONPATH=scripts .venv/bin/python scripts/run_pytest.py -p cpu_probe -m "not live" \\
        -n 2 --dist loadscope -q
    .venv/bin/python scripts/cpu_probe.py        # the modules that cost most
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

OUT = Path(__file__).resolve().parents[1] / "out" / "cpu-probe"
_sink: IO[str] | None = None


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    global _sink
    if _sink is None:
        OUT.mkdir(parents=True, exist_ok=True)
        _sink = (OUT / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.jsonl").open("a")
    own, children = _cpu()
    began = time.perf_counter()
    yield
    own_after, children_after = _cpu()
    line = {"id": item.nodeid, "self": own_after - own, "children": children_after - children,
            "wall": time.perf_counter() - began}  # fmt: skip
    _sink.write(json.dumps(line) + "\n")
    _sink.flush()


def report(most: int = 25) -> None:
    """CPU and wall seconds per module, the costliest first."""
    modules: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for path in OUT.glob("*.jsonl"):
        for text in path.read_text().splitlines():
            row: dict[str, Any] = json.loads(text)
            totals = modules[row["id"].split("::", 1)[0]]
            for index, key in enumerate(("self", "children", "wall")):
                totals[index] += row[key]
    ranked = sorted(modules.items(), key=lambda item: -(item[1][0] + item[1][1]))
    print(f"{'own CPU-s':>10} {'children':>9} {'wall s':>8}  module")
    for module, (own, children, wall) in ranked[:most]:
        print(f"{own:10.1f} {children:9.1f} {wall:8.1f}  {module}")


if __name__ == "__main__":
    report(int(sys.argv[1]) if len(sys.argv) > 1 else 25)
