"""A small sweep on Ray: the same table as on local processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main
from node.executor.local import LocalExecutor
from node.executor.ray_cluster import RayExecutor
from node.sim.sweep import parse_axis, run_sweep, to_json

pytestmark = [pytest.mark.ray, pytest.mark.usefixtures("ray_session")]


def test_ray_sweep_equals_local(tmp_path: Path) -> None:
    grid = [parse_axis("failures.message_drop=0,0.2")]
    local = run_sweep("marketplace", grid, range(1, 4), LocalExecutor(1))
    on_ray = run_sweep("marketplace", grid, range(1, 4), RayExecutor(min_chunk=1))
    assert to_json(on_ray) == to_json(local)
    args = ["sweep", "marketplace", "--seeds", "1..3", "--grid", "failures.message_drop=0,0.2"]
    result = CliRunner().invoke(main, [*args, "--executor", "ray", "-o", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["executor"] == "ray"
    assert json.loads((tmp_path / "sweep.json").read_text()) == to_json(local)
