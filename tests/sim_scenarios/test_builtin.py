"""Every built-in suite scenario runs at its shipped size and passes all its validators."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main
from node.sim import scenario
from node.sim.trace import file_root
from node.sim.validators import SUITES, validate_file
from tests.fresh import run_python
from tests.sim_scenarios.conftest import SUITE_SCENARIOS, Runner


@pytest.mark.parametrize("name", SUITE_SCENARIOS)
def test_builtin_scenario_passes_its_validators(run_scenario: Runner, name: str) -> None:
    report = validate_file(run_scenario(name))
    assert report.suite == name
    assert len(report.verdicts) == len(SUITES[name])
    for v in report.verdicts:
        assert v.passed, v
        assert v.checked > 0


def test_builtin_names_and_sizes() -> None:
    sizes = {
        "marketplace": {"buyer": 50, "seller": 50},
        "auction": {"auctioneer": 1, "bidder": 19},
        "voting": {"proposer": 1, "coordinator": 1, "voter": 18},
        "consensus": {"leader": 1, "follower": 19},
        "reputation": {"honest": 16, "malicious": 4, "observer": 1},
    }
    for name, roles in sizes.items():
        resolved = scenario.load(name)
        assert {r.name: n for r, n in resolved.roles} == roles
    pc = scenario.load("private_commerce").scenario.layers
    assert (pc.registry, pc.trust, pc.payments, pc.privacy) == (
        "gossip_registry",
        "agent_receipts",
        "streaming_payments",
        "hybrid_x25519",
    )
    assert scenario.load("supply_chain").scenario.failures.network_partition is not None


def test_same_seed_same_root(run_scenario: Runner, tmp_path: Path) -> None:
    from node.sim import engine

    again = engine.run(scenario.load("private_commerce"), tmp_path / "again.jsonl")
    assert file_root(run_scenario("private_commerce"))[0] == again.root


def test_scenarios_cp_copies_a_suite_scenario(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scenarios", "cp", "auction", str(tmp_path)])
    assert result.exit_code == 0, result.output
    copied = tmp_path / "auction.yaml"
    assert scenario.load(copied).scenario.name == "auction"


def test_private_commerce_is_byte_identical_across_processes(tmp_path: Path) -> None:
    code = "import sys; from node.cli import main; sys.exit(main())"
    outs = []
    for i in range(2):
        out = tmp_path / f"p{i}.jsonl"
        done = run_python(
            code, "run", "private_commerce", "-o", str(out), "--json",
            env={"PYTHONHASHSEED": str(i + 11), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert b'"event":"sever"' in outs[0]
