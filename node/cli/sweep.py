"""`nets sweep FILE --seeds A..B --grid key.path=v1,v2 ...`: a scenario over a grid of
overrides times a seed range, on local processes or Ray; writes sweep.csv, sweep.json
(parameters, every metric, every validator verdict, trace root) and sweep.html."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click
from rich.markup import escape

from node.cli.common import BadInput, console, json_option, print_json, progress_bar
from node.cli.executor_options import executor_options, opened_executor
from node.cli.options import MAX_WORKERS, WORKERS, output_option
from node.sim import scenario
from node.sim.report.sweep import render_sweep
from node.sim.sweep import (
    SweepError,
    instances,
    load_document,
    nanda_workers,
    parse_axis,
    parse_seeds,
    run_sweep,
    to_csv_rows,
    to_json,
)


@click.command("sweep")
@click.argument("source", metavar="NAME|FILE")
@click.option("--seeds", default="0..0", show_default=True, help="Seed range A..B (inclusive).")
@click.option(
    "--grid",
    "grid",
    multiple=True,
    metavar="KEY=V1,V2",
    help="A swept field and its values, e.g. failures.message_drop=0,0.1 (repeatable).",
)
@output_option(
    "Directory for sweep.csv, sweep.json, sweep.html (default sweeps/<scenario>).",
    type=click.Path(file_okay=False),
    default=None,
)
@click.option(
    "--workers",
    type=WORKERS,
    default=None,
    help=f"Local processes, 1 to {MAX_WORKERS} (default: the file's `workers` when "
    "`parallel: true`, else one per CPU).",
)
@executor_options
@json_option
def sweep_cmd(
    source: str,
    seeds: str,
    grid: tuple[str, ...],
    out: str | None,
    workers: int | None,
    executor: str,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Run a scenario over a grid of overrides and seeds; write the table and an HTML report."""
    try:
        axes = [parse_axis(text) for text in grid]
        seed_range = parse_seeds(seeds)
        total = len(instances(axes, seed_range))
        name, document = load_document(source)
    except (SweepError, scenario.ScenarioError) as exc:
        raise BadInput(str(exc)) from None
    if len({axis.key for axis in axes}) != len(axes):
        raise BadInput("--grid: a key is given twice")
    out_dir = Path(out or Path("sweeps") / name)
    if workers is None:
        workers = nanda_workers(document)
    with (
        opened_executor(executor, workers, ray_address) as runner,
        progress_bar("instances", disable=as_json) as progress,
    ):
        task = progress.add_task("sweep", total=total)
        try:
            sweep = run_sweep(
                source, axes, seed_range, runner, progress=lambda n: progress.advance(task, n)
            )
        except scenario.ScenarioError as exc:
            raise BadInput(str(exc)) from None
    table = to_json(sweep)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with (out_dir / "sweep.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(to_csv_rows(sweep))
        (out_dir / "sweep.json").write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
        (out_dir / "sweep.html").write_text(render_sweep(sweep), encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    files = {kind: str(out_dir / f"sweep.{kind}") for kind in ("csv", "json", "html")}
    if as_json:
        print_json({**files, "instances": len(sweep.rows), "executor": runner.name})
        return
    failed = sum(1 for row in sweep.rows if row.verdicts and not row.passed)
    console.print(
        f"{len(sweep.rows)} instances of {escape(sweep.scenario)} on {runner.name} "
        f"({runner.workers} workers): {failed} with a failed validator"
    )
    for kind, path in files.items():
        console.print(f"{kind:5} {escape(path)}")
