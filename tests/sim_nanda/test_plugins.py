"""Plugins written for Nanda Town (its nest.plugins.<layer> entry points and async layer
Protocols) load through the adapter and drive a nets scenario on three layers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from node.sim import engine, scenario
from node.sim.entry import available_plugins
from node.sim.layers import LayerError, PluginEnv
from node.sim.validators import validate_file
from tests.sim_nanda import nanda_style_plugins as plugins

MODULE = "tests.sim_nanda.nanda_style_plugins"


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution registering the plugins under Nanda Town's entry point groups."""
    info = tmp_path / "nanda_style_plugins-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nanda-style-plugins\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        "[nest.plugins.registry]\n"
        f"dict_registry = {MODULE}:DictRegistry\n"
        "[nest.plugins.trust]\n"
        f"counting = {MODULE}:CountingTrust\n"
        f"waits = {MODULE}:WaitsOnIo\n"
        "[nest.plugins.payments]\n"
        f"shared_ledger = {MODULE}:SharedLedger\n"
        "[nest.plugins.memory]\n"
        f"blackboard_x = {MODULE}:DictRegistry\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins.CALLS.clear()


MARKET = (
    "layers.registry=dict_registry",
    "layers.trust=counting",
    "layers.payments=shared_ledger",
)


def test_nanda_plugins_are_listed(installed: None) -> None:
    assert "dict_registry" in available_plugins("registry")
    assert "counting" in available_plugins("trust")
    assert "shared_ledger" in available_plugins("payments")
    assert "blackboard_x" not in available_plugins("memory")  # memory is not adapted


def test_three_nanda_layers_drive_the_marketplace(installed: None, tmp_path: Path) -> None:
    trace = tmp_path / "m.jsonl"
    result = engine.run(scenario.load("marketplace", overrides=MARKET), trace)
    assert result.metrics["deals"]
    for call in ("register", "lookup", "score", "report", "pay"):
        assert plugins.CALLS.get(call), call
    report = validate_file(trace)
    assert report.passed, report.verdicts
    assert '"registry":"dict_registry"' in trace.read_text().splitlines()[0]


def test_same_seed_same_trace_with_nanda_plugins(installed: None, tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    engine.run(scenario.load("marketplace", overrides=MARKET), a)
    engine.run(scenario.load("marketplace", overrides=MARKET), b)
    assert a.read_bytes() == b.read_bytes()


def test_an_unadapted_layer_is_not_offered(installed: None) -> None:
    with pytest.raises(scenario.ScenarioError, match=r"layers\.memory"):
        scenario.load("marketplace", overrides=["layers.memory=blackboard_x"])


def test_a_plugin_that_waits_on_io_is_a_layer_error(installed: None) -> None:
    resolved = scenario.load("marketplace", overrides=["layers.trust=waits"])
    env = PluginEnv("trust", "waits", 1, lambda: 0, lambda agent, event, fields: None, {})
    provider = resolved.providers["trust"](env)
    with pytest.raises(LayerError, match="waited on I/O"):
        provider.for_agent("buyer-0").score("seller-0")


def test_without_the_distribution_the_names_are_unknown() -> None:
    assert "nanda-style" not in " ".join(sys.path)
    with pytest.raises(scenario.ScenarioError, match="unknown registry plugin 'dict_registry'"):
        scenario.load("marketplace", overrides=["layers.registry=dict_registry"])
