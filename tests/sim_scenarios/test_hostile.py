"""Hostile traces: validators and the report never crash, whatever the events contain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.sim import engine, scenario
from node.sim.report import collect, render
from node.sim.validators import SUITES, load_trace, run_suite, validate_file
from tests.sim_scenarios.conftest import SUITE_SCENARIOS

EVENTS = [
    "sell",
    "answer",
    "request",
    "buy",
    "award",
    "bid_received",
    "call",
    "notified",
    "unsold",
    "vote",
    "count",
    "tally",
    "propose",
    "ack",
    "commit",
    "learn",
    "make",
    "ship",
    "receive",
    "deliver",
    "serve",
    "flag",
    "score",
    "bid",
    "undelivered",
    "trust",
    "wash",
    "fulfil",
]
KEYS = [
    "agent",
    "t",
    "item",
    "unit",
    "req",
    "price",
    "winner",
    "amount",
    "bidder",
    "proposal",
    "voter",
    "choice",
    "yes",
    "no",
    "passed",
    "round",
    "value",
    "acks",
    "quorum",
    "good",
    "sender",
    "to",
    "honest",
    "subject",
    "score",
    "threshold",
    "plaintext",
    "stream",
    "chunk",
    "seller",
    "buyer",
    "partner",
    "lat",
    "reason",
    "msg",
    "msg_hex",
    "id",
    "paid",
    "layer",
    "event",
    "role",
    "line",
    "kind",
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.lists(st.one_of(st.integers(), st.text(max_size=4)), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
EVENT = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["app", "layer", "send", "receive", "drop", "start", "heal", "end", "timer", "weird"]
        ),
        "event": st.sampled_from([*EVENTS, "stream_pay", "stream_open", "pay", "register"]),
    },
    optional={k: VALUES for k in KEYS if k not in ("kind", "event")},
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(EVENT, max_size=40))
def test_validators_and_report_survive_any_events(
    tmp_path: Path, events: list[dict[str, Any]]
) -> None:
    header = {
        "kind": "run",
        "format": "nets-sim/1",
        "name": "<x>",
        "task": "marketplace",
        "failures": {"network_partition": {"groups": [[1], "x"]}},
        "layers": [1],
    }
    path = tmp_path / "h.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in [header, *events]))
    trace = load_trace(path)
    for suite in SUITES:
        for verdict in run_suite(trace, suite):
            assert isinstance(verdict.passed, bool)
    html = render(collect(path), run_suite(trace, "private_commerce"), "private_commerce")
    assert "<script" not in html


@pytest.mark.parametrize("name", SUITE_SCENARIOS)
def test_agents_survive_garbling_loss_and_partitions(tmp_path: Path, name: str) -> None:
    """Byzantine senders garble 30% of agents' messages and 20% are lost: no agent crashes,
    and the validators still give verdicts (they may fail: the faults break properties)."""
    resolved = scenario.load(
        name, overrides=["failures.byzantine_agents=0.3", "failures.message_drop=0.2"]
    )
    trace = tmp_path / "faulty.jsonl"
    result = engine.run(resolved, trace)
    assert result.events > 0
    assert validate_file(trace).verdicts
