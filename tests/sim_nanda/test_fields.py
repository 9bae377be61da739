"""Nanda Town's task config fields mean what they mean there (scenario files in its schema)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.sim import scenario
from node.sim.validators import validate_file
from tests.sim_nanda.conftest import ALL_FILES, FILES, app, run_file

FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("name", ALL_FILES)
def test_file_runs_unmodified_and_its_validators_pass(name: str, tmp_path: Path) -> None:
    result, _ = run_file(name, tmp_path)
    assert result.sent > 0
    report = validate_file(tmp_path / f"{name}.jsonl")
    assert report.passed, report.verdicts


def test_auction_rounds_are_lots(tmp_path: Path) -> None:
    _, lines = run_file("auction", tmp_path, "task.config.rounds=7")
    assert len(app(lines, "award")) == 7


@settings(FAST)
@given(rounds=st.integers(1, 8), quorum=st.sampled_from([0.1, 0.5, 0.667, 0.75, 0.9, 1.0]))
def test_consensus_retries_until_the_first_commit(
    tmp_path_factory: pytest.TempPathFactory, rounds: int, quorum: float
) -> None:
    """Nanda Town's consensus: at most ``rounds`` proposals, stop at the first commit; a commit
    needs accepts / followers >= quorum (the leader's vote not counted)."""
    tmp = tmp_path_factory.mktemp("c")
    _, lines = run_file(
        "consensus", tmp, f"task.config.rounds={rounds}", f"task.config.quorum={quorum}"
    )
    commits, aborts = app(lines, "commit"), app(lines, "abort")
    assert len(commits) <= 1
    if commits:
        assert len(app(lines, "propose")) == len(aborts) + 1 <= rounds
        assert commits[0]["round"] == len(aborts)
        assert len(commits[0]["acks"]) / 11 >= quorum
    else:
        assert len(aborts) == len(app(lines, "propose")) == rounds
        for abort in aborts:  # an abort had too few accepts to commit
            assert abort["acks"] / 11 < quorum


def test_consensus_quorum_counts_only_followers(tmp_path: Path) -> None:
    """quorum 1.0 with every follower accepting commits at once: 11 of 11 followers."""
    _, lines = run_file(
        "consensus", tmp_path, "task.config.quorum=1.0", "task.config.accept_percent=100"
    )
    (commit,) = app(lines, "commit")
    assert len(commit["acks"]) == 11
    assert app(lines, "propose")[0]["quorum"] == 12


@settings(FAST)
@given(threshold=st.sampled_from([0.0, 0.3, 0.5, 0.667, 0.75, 1.0]), seed=st.integers(0, 50))
def test_voting_threshold_decides(
    tmp_path_factory: pytest.TempPathFactory, threshold: float, seed: int
) -> None:
    tmp = tmp_path_factory.mktemp("v")
    _, lines = run_file("voting", tmp, f"task.config.threshold={threshold}", f"seed={seed}")
    tallies = app(lines, "tally")
    assert len(tallies) == 4  # rounds: one proposal per round
    for tally in tallies:
        total = tally["yes"] + tally["no"]
        assert tally["passed"] == (total > 0 and tally["yes"] / total >= threshold)
    assert validate_file(tmp / "voting.jsonl").passed


def test_voting_threshold_ties_pass_as_in_nanda_town(tmp_path: Path) -> None:
    """yes / votes >= 0.5 passes a tie (the old rule, yes > no, did not)."""
    found = False
    for seed in range(40):
        _, lines = run_file(
            "voting",
            tmp_path,
            f"seed={seed}",
            "agents.roles.2.count=4",
            "agents.count=6",
            "task.config.threshold=0.5",
        )
        for tally in app(lines, "tally"):
            if tally["yes"] == tally["no"] == 2:
                assert tally["passed"] is True
                found = True
    assert found


def test_supply_chain_batches(tmp_path: Path) -> None:
    result, lines = run_file("supply_chain", tmp_path, "metrics=[delivered]")
    assert result.metrics["delivered"] == 2 * 3 * 2  # items_per_round x rounds x suppliers
    assert len(app(lines, "make")) == 12


def test_supply_chain_fills_the_missing_batch_field_with_nanda_defaults(tmp_path: Path) -> None:
    data = scenario.read_yaml(FILES / "supply_chain.yaml")
    del data["task"]["config"]["rounds"]
    resolved = scenario.validate(data)
    assert resolved.task_config.goods_per_supplier == 2 * 3  # type: ignore[attr-defined]


@pytest.mark.parametrize(("fraction", "malicious"), [(0.2, 2), (0.5, 6), (0.0, 1), (1.0, 12)])
def test_reputation_malicious_fraction_splits_roleless_files(
    fraction: float, malicious: int
) -> None:
    data = scenario.read_yaml(FILES / "reputation.yaml")
    del data["agents"]["roles"]
    data["task"]["config"]["malicious_fraction"] = fraction
    counts = {r.name: n for r, n in scenario.validate(data).roles}
    assert counts == {"honest": 12 - malicious, "malicious": malicious, "observer": 1}


def test_reputation_role_counts_win_over_the_fraction() -> None:
    data = scenario.read_yaml(FILES / "reputation.yaml")
    data["task"]["config"]["malicious_fraction"] = 0.9
    counts = {r.name: n for r, n in scenario.validate(data).roles}
    assert counts["malicious"] == 2


def test_marketplace_catalog_and_rounds(tmp_path: Path) -> None:
    result, lines = run_file("marketplace", tmp_path, "metrics=[requests]")
    assert result.metrics["requests"] == 12 * 4  # rounds: requests per buyer
    items = {e["item"] for e in app(lines, "request")}
    assert items <= {f"item-{k}" for k in range(6)}
    assert len(items) > 1


def test_shell_marketplace_runs_the_llm_variant_on_the_mock(tmp_path: Path) -> None:
    result, lines = run_file("shell_marketplace", tmp_path, "metrics=[llm_calls]")
    assert result.metrics["llm_calls"]
    assert app(lines, "llm")


def test_marketplace_catalog_larger_than_the_listings_still_serves_every_request(
    tmp_path: Path,
) -> None:
    """Every Nanda Town buy finds a seller: a catalog_size beyond what sellers list by default
    makes them list more, so requests = buyers x rounds."""
    result, _ = run_file(
        "marketplace", tmp_path, "task.config.catalog_size=50", "metrics=[requests]"
    )
    assert result.metrics["requests"] == 12 * 4
