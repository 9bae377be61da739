"""Sweeps: one scenario over a grid of overrides times a range of seeds, on an executor.

Every instance is the scenario file with ``key.path=value`` overrides (the `nets run --set`
syntax) and one seed; it runs to a throwaway trace, its property validators run over that
trace, and the row keeps the parameters, every metric, every verdict and the trace root, so
``nets run FILE --seed S --set k=v`` reproduces any row's root. Rows are placed by instance
index, so the table is the same bytes on any executor and any worker count.
"""

from __future__ import annotations

import copy
import itertools
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from node.executor.base import Executor, strided
from node.sim import engine, scenario
from node.sim.validators import UnknownSuite, validate_file

MAX_INSTANCES = 100_000
COUNTS = ("agents", "events", "sent", "delivered", "dropped", "end_time", "trace_lines")
"""Run counts reported as metrics beside the scenario's own ``metrics`` list."""


class SweepError(ValueError):
    """A bad grid, seed range or override (the CLI prints it as one line and exits 2)."""


@dataclass(frozen=True)
class Axis:
    """One swept field: ``key`` (dotted path) and its values as written (YAML scalars)."""

    key: str
    values: tuple[str, ...]


def parse_axis(text: str) -> Axis:
    """``key.path=v1,v2,...``."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    values = tuple(v.strip() for v in raw.split(","))
    if not sep or not key or not all(values):
        raise SweepError(f"--grid: expected key.path=v1,v2,..., got {text!r}")
    if key == "seed":
        raise SweepError("--grid: sweep seeds with --seeds A..B, not --grid seed=...")
    return Axis(key, values)


def parse_seeds(text: str) -> range:
    """``A..B`` (inclusive) or one seed ``A``."""
    first, sep, last = text.partition("..")
    try:
        lo, hi = int(first), int(last if sep else first)
    except ValueError:
        raise SweepError(f"--seeds: expected A..B (integers), got {text!r}") from None
    if not 0 <= lo <= hi < 1 << 64:
        raise SweepError(f"--seeds: need 0 <= A <= B < 2**64, got {text!r}")
    return range(lo, hi + 1)


@dataclass(frozen=True)
class Instance:
    index: int
    seed: int
    params: tuple[tuple[str, str], ...]
    """(key, value as written) per axis, in axis order."""

    @property
    def overrides(self) -> list[str]:
        return [f"{key}={value}" for key, value in self.params]


def instances(axes: Sequence[Axis], seeds: range) -> list[Instance]:
    """The grid's product, seeds innermost (one parameter point's seeds sit together)."""
    count = len(seeds)
    for axis in axes:
        count *= len(axis.values)
    if count > MAX_INSTANCES:
        raise SweepError(f"--grid/--seeds: {count:,} instances (at most {MAX_INSTANCES:,})")
    points = itertools.product(*(axis.values for axis in axes))
    out: list[Instance] = []
    for point in points:
        params = tuple(zip((axis.key for axis in axes), point, strict=True))
        for seed in seeds:
            out.append(Instance(len(out), seed, params))
    return out


@dataclass(frozen=True)
class Row:
    """One instance's outcome (no wall-clock figures: a row is a function of its inputs)."""

    index: int
    seed: int
    params: tuple[tuple[str, str], ...]
    metrics: dict[str, float | None]
    suite: str | None
    verdicts: dict[str, bool]
    root: str

    @property
    def passed(self) -> bool:
        return bool(self.verdicts) and all(self.verdicts.values())


@dataclass
class SweepWork:
    """The scenario document, shipped once per worker; called on chunks of instances."""

    document: dict[str, Any]

    def resolve(self, instance: Instance) -> scenario.Resolved:
        data = scenario.apply_overrides(copy.deepcopy(self.document), instance.overrides)
        data["seed"] = instance.seed
        return scenario.validate(data)

    def run(self, instance: Instance) -> Row:
        resolved = self.resolve(instance)
        with tempfile.TemporaryDirectory(prefix="nets-sweep-") as tmp:
            trace = Path(tmp) / "trace.jsonl"
            result = engine.run(resolved, trace, keep_trace=True)
            try:
                report = validate_file(trace)
                suite, verdicts = report.suite, {v.name: v.passed for v in report.verdicts}
            except UnknownSuite:
                suite, verdicts = None, {}
        counts: dict[str, float | None] = {
            "agents": result.agents,
            "events": result.events,
            "sent": result.sent,
            "delivered": result.delivered,
            "dropped": sum(result.dropped.values()),
            "end_time": result.end_time,
            "trace_lines": result.trace_lines,
        }
        root = "0x" + result.root.hex() if result.root is not None else ""
        return Row(
            instance.index,
            instance.seed,
            instance.params,
            {**result.metrics, **counts},
            suite,
            verdicts,
            root,
        )

    def __call__(self, chunk: Sequence[Instance]) -> list[Row]:
        return [self.run(instance) for instance in chunk]


@dataclass
class Sweep:
    """Every row in instance order, with what defined the sweep."""

    scenario: str
    axes: tuple[Axis, ...]
    seeds: range
    rows: list[Row] = field(default_factory=list[Row])

    def metric_names(self) -> list[str]:
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row.metrics))
        return list(names)

    def verdict_names(self) -> list[str]:
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row.verdicts))
        return list(names)


def load_document(source: str) -> tuple[str, dict[str, Any]]:
    """(name, parsed YAML) of a built-in NAME or a FILE; ScenarioError when unreadable."""
    path = scenario.find_scenario(source)
    data = scenario.read_yaml(path)
    return str(data.get("name") or path.stem), data


def run_sweep(
    source: str,
    axes: Sequence[Axis],
    seeds: range,
    executor: Executor,
    *,
    progress: Callable[[int], None] | None = None,
) -> Sweep:
    """Check every instance's scenario first (a bad override fails before anything runs),
    then run them all on ``executor``."""
    name, document = load_document(source)
    todo = instances(axes, seeds)
    work = SweepWork(document)
    checked: set[tuple[tuple[str, str], ...]] = set()
    for instance in todo:
        if instance.params not in checked:
            work.resolve(instance)
            checked.add(instance.params)
    rows: dict[int, Row] = {}
    chunks = strided(todo, executor.chunk_count(len(todo)))
    for batch in executor.map_chunks(work, chunks):
        rows.update((row.index, row) for row in batch)
        if progress is not None:
            progress(len(batch))
    return Sweep(name, tuple(axes), seeds, [rows[i] for i in range(len(todo))])


def nanda_workers(document: Mapping[str, Any]) -> int | None:
    """Nanda Town's ``parallel: true`` with ``workers: N``: N local processes for a sweep."""
    workers = document.get("workers")
    if document.get("parallel") is True and type(workers) is int and workers >= 1:
        return workers
    return None


# -- the table ---------------------------------------------------------------------------------


def to_json(sweep: Sweep) -> dict[str, Any]:
    """The JSON table: what defined the sweep, then one object per instance."""
    return {
        "scenario": sweep.scenario,
        "seeds": [sweep.seeds.start, sweep.seeds.stop - 1],
        "grid": {axis.key: list(axis.values) for axis in sweep.axes},
        "rows": [
            {
                "index": row.index,
                "seed": row.seed,
                "params": dict(row.params),
                "metrics": row.metrics,
                "suite": row.suite,
                "verdicts": row.verdicts,
                "passed": row.passed,
                "root": row.root,
            }
            for row in sweep.rows
        ],
    }


def to_csv_rows(sweep: Sweep) -> list[list[str]]:
    """Header then one line per instance: parameters, metrics, ``verdict:<name>``, root."""
    metrics, verdicts = sweep.metric_names(), sweep.verdict_names()
    header = ["index", "seed", *(a.key for a in sweep.axes), *metrics]
    header += [f"verdict:{name}" for name in verdicts] + ["passed", "root"]
    lines = [header]
    for row in sweep.rows:
        values = [str(row.index), str(row.seed), *(v for _, v in row.params)]
        values += ["" if row.metrics.get(m) is None else repr(row.metrics[m]) for m in metrics]
        values += [
            "" if name not in row.verdicts else ("pass" if row.verdicts[name] else "fail")
            for name in verdicts
        ]
        lines.append([*values, str(row.passed).lower(), row.root])
    return lines
