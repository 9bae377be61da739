"""Nanda Town's 12 metric names mean what its definitions say, computed here independently
from the nets trace (a differential test: the engine's counters against a trace reader)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from node.cli import main
from node.sim.scenario import NANDA_METRICS
from node.sim.trace_metrics import TRACE_METRICS, trace_metrics
from tests.sim_nanda.conftest import TIER1, app, run_file

ALL = "metrics=[" + ", ".join(NANDA_METRICS) + "]"


def nanda_metrics(lines: list[dict[str, Any]]) -> dict[str, float]:
    """Nanda Town's definitions over trace lines: send and receive lines are messages."""
    sends = [e for e in lines if e["kind"] == "send"]
    receives = [e for e in lines if e["kind"] == "receive"]
    sent_at = {e["id"]: e["t"] for e in sends}
    times = [e["t"] for e in lines if "t" in e]
    duration = max(times) - min(times)
    messages = len(sends) + len(receives)
    pairs = {tuple(sorted((e["agent"], e["to"]))) for e in sends}
    pairs |= {tuple(sorted((e["agent"], e["from"]))) for e in receives}
    requests = [e for e in app(lines, "request") if "seller" in e]  # marketplace requests
    refusals = [e for e in app(lines, "answer") if e["result"] in ("no_deal", "sold_out")]
    deals = app(lines, "buy")
    # rounds to a deal: requests and refusals per (buyer, seller) since that pair's last deal
    steps: list[tuple[int, int, str, str, str]] = []
    steps += [(e["t"], 0, e["agent"], e["seller"], "round") for e in requests]
    steps += [(e["t"] + 1, 1, e["buyer"], e["agent"], "round") for e in refusals]
    steps += [(e["t"], 2, e["agent"], e["seller"], "deal") for e in deals]
    rounds: dict[tuple[str, str], int] = defaultdict(int)
    per_deal: list[int] = []
    for _, _, buyer, seller, what in sorted(steps):
        if what == "round":
            rounds[buyer, seller] += 1
        else:
            per_deal.append(max(rounds.pop((buyer, seller), 0), 1))
    rate = len(receives) / len(sends) if sends else 0.0
    return {
        "delivery_rate": rate,
        "success_rate": rate,
        "message_count": float(messages),
        "dropped_count": float(sum(1 for e in lines if e["kind"] == "drop")),
        "agent_count": float(len({e["agent"] for e in lines if "agent" in e})),
        "duration": float(duration),
        "throughput": messages / duration if duration else 0.0,
        "unique_pairs": float(len(pairs)),
        "mean_latency": sum(e["t"] - sent_at[e["id"]] for e in receives) / len(receives),
        "deal_rate": len(deals) / len(requests) if requests else 0.0,
        "rejection_rate": len(refusals) / len(requests) if requests else 0.0,
        "mean_rounds_to_deal": sum(per_deal) / len(per_deal) if per_deal else 0.0,
    }


@pytest.mark.parametrize("name", TIER1)
def test_every_nanda_metric_matches_its_definition(name: str, tmp_path: Path) -> None:
    result, lines = run_file(name, tmp_path, ALL)
    assert list(result.metrics) == list(NANDA_METRICS)
    want = nanda_metrics(lines)
    for metric in NANDA_METRICS:
        assert result.metrics[metric] == pytest.approx(want[metric]), metric


def test_metrics_under_loss_and_a_partition(tmp_path: Path) -> None:
    result, lines = run_file(
        "supply_chain",
        tmp_path,
        ALL,
        "failures.message_drop=0.2",
        "failures.network_partition.groups=[[supplier-0], [manufacturer-0]]",
        "failures.network_partition.heal_at=30",
    )
    assert result.metrics["dropped_count"]
    assert (result.metrics["delivery_rate"] or 1.0) < 1.0
    want = nanda_metrics(lines)
    for metric in NANDA_METRICS:
        assert result.metrics[metric] == pytest.approx(want[metric]), metric


def test_marketplace_rates_count_requests(tmp_path: Path) -> None:
    """deal_rate and rejection_rate share one denominator: every request is answered once."""
    result, _ = run_file("marketplace", tmp_path, ALL)
    m = result.metrics
    assert m["deal_rate"] is not None
    assert m["rejection_rate"] is not None
    assert 0 < m["deal_rate"] < 1
    assert m["deal_rate"] + m["rejection_rate"] == pytest.approx(1.0)
    assert m["mean_rounds_to_deal"] is not None
    assert m["mean_rounds_to_deal"] >= 1.0


def test_nets_own_measures_keep_their_names(tmp_path: Path) -> None:
    """message_count is Nanda Town's (sends + receives); nets' sent count is messages_sent;
    the task's own success measure is completion_rate (deals / requests: deal_rate)."""
    result, lines = run_file(
        "auction", tmp_path, "metrics=[message_count, messages_sent, completion_rate]"
    )
    sends = sum(1 for e in lines if e["kind"] == "send")
    assert result.metrics["messages_sent"] == sends == result.sent
    assert result.metrics["message_count"] == sends + result.delivered
    assert result.metrics["completion_rate"] == 1.0


@pytest.mark.parametrize("name", TIER1)
def test_trace_metrics_equal_the_runs(name: str, tmp_path: Path) -> None:
    """`nets report -m` (from the trace file) gives what `nets run` reported."""
    names = [m for m in TRACE_METRICS if m not in ("requests", "deals")]
    listed = "metrics=[" + ", ".join(names) + "]"
    result, _ = run_file(name, tmp_path, listed)
    from_trace = trace_metrics(tmp_path / f"{name}.jsonl", names)
    for metric in names:
        assert from_trace[metric] == pytest.approx(result.metrics[metric]), metric


def test_report_m_on_a_nanda_trace_reads_its_messages(tmp_path: Path) -> None:
    from tests.sim_nanda.test_traces import market

    values = trace_metrics(market(tmp_path), ["deal_rate", "rejection_rate", "message_count"])
    assert values == {"deal_rate": 0.5, "rejection_rate": 0.5, "message_count": 8.0}
    code = CliRunner().invoke(main, ["report", str(market(tmp_path)), "-m", "bogus"]).exit_code
    assert code == 2
