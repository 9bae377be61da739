"""`nets sweep`: a grid times seeds, the same table on any worker count, every row's root
reproduced by `nets run`, and bad grids refused with one line (exit 2)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from node.cli import main
from node.executor.local import LocalExecutor
from node.sim.sweep import (
    Axis,
    SweepError,
    instances,
    nanda_workers,
    parse_axis,
    parse_seeds,
    run_sweep,
    to_json,
)

GRID = [parse_axis("failures.message_drop=0,0.3"), parse_axis("network.latency=1,4")]


def test_table_is_the_same_on_one_or_two_workers_and_roots_match_nets_run(tmp_path: Path) -> None:
    one = run_sweep("marketplace", GRID, range(3, 5), LocalExecutor(1))
    two = run_sweep("marketplace", GRID, range(3, 5), LocalExecutor(2))
    assert to_json(one) == to_json(two)
    assert len(one.rows) == 8
    assert [row.index for row in one.rows] == list(range(8))
    assert len({row.root for row in one.rows}) == 8  # every instance is a different run
    assert one.verdict_names() == [
        "no_double_sell",
        "every_buy_answered",
        "sold_price_matches_offer",
    ]
    lossy = [row for row in one.rows if dict(row.params)["failures.message_drop"] == "0.3"]
    clean = [row for row in one.rows if dict(row.params)["failures.message_drop"] == "0"]
    assert all(row.metrics["dropped"] for row in lossy)
    assert not any(row.metrics["dropped"] for row in clean)
    row = one.rows[5]
    args = ["run", "marketplace", "--seed", str(row.seed), "-o", str(tmp_path / "t.jsonl")]
    for key, value in row.params:
        args += ["--set", f"{key}={value}"]
    ran = CliRunner().invoke(main, [*args, "--json"])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["root"] == row.root


def test_cli_writes_csv_json_and_html(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["sweep", "marketplace", "--seeds", "1..2", "--grid", "failures.message_drop=0,0.2"]
    result = CliRunner().invoke(main, [*args, "-o", str(out), "--workers", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["instances"] == 4
    table = json.loads((out / "sweep.json").read_text())
    assert table["grid"] == {"failures.message_drop": ["0", "0.2"]}
    assert [r["seed"] for r in table["rows"]] == [1, 2, 1, 2]
    with (out / "sweep.csv").open(newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][:3] == ["index", "seed", "failures.message_drop"]
    assert "deal_rate" in lines[0]
    assert "verdict:no_double_sell" in lines[0]
    assert [line[-1] for line in lines[1:]] == [r["root"] for r in table["rows"]]
    html = (out / "sweep.html").read_text()
    assert "deal_rate vs failures.message_drop" in html
    assert "<script" not in html
    assert html.count("<svg") == len(table["rows"][0]["metrics"])


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--grid", "failures.message_drop"], "--grid: expected key.path=v1,v2"),
        (["--grid", "seed=1,2"], "sweep seeds with --seeds"),
        (["--seeds", "5..2"], "--seeds: need 0 <= A <= B"),
        (["--seeds", "x"], "--seeds: expected A..B"),
        (["--grid", "agents.colour=1,2"], "agents.colour: unknown field"),
        (["--grid", "network.latency=1", "--grid", "network.latency=2"], "given twice"),
        (["--ray-address", "127.0.0.1:1"], "only with --executor ray"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], reason: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sweep", "pingpong", "-o", str(tmp_path), *args])
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert not (tmp_path / "sweep.csv").exists()


@given(
    st.lists(st.integers(1, 4), max_size=3),
    st.integers(0, 2**64 - 8),
    st.integers(1, 5),
)
def test_instances_cover_the_grid_once(sizes: list[int], first: int, count: int) -> None:
    axes = [Axis(f"k{i}", tuple(str(v) for v in range(n))) for i, n in enumerate(sizes)]
    seeds = parse_seeds(f"{first}..{first + count - 1}")
    todo = instances(axes, seeds)
    points = {(inst.params, inst.seed) for inst in todo}
    expected = count
    for n in sizes:
        expected *= n
    assert len(todo) == len(points) == expected
    assert [inst.index for inst in todo] == list(range(expected))


def test_limits_and_nanda_workers() -> None:
    with pytest.raises(SweepError, match="at most"):
        instances([Axis("a", tuple(map(str, range(1000))))], range(101))
    assert nanda_workers({"parallel": True, "workers": 3}) == 3
    assert nanda_workers({"parallel": False, "workers": 3}) is None
    assert nanda_workers({"workers": 3}) is None
