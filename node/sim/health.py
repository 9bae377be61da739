"""Simulator checks for `nets doctor`: plugins resolve for every layer, runs are deterministic."""

from __future__ import annotations

from node.health import Check
from node.sim import engine, scenario
from node.sim.entry import UnknownPlugin, available_plugins, load_provider
from node.sim.layers import LAYERS

_TINY = {
    "name": "doctor-tiny",
    "seed": 7,
    "agents": {"count": 12},
    "task": {"type": "gossip", "config": {"fanout": 2, "seeds": 2, "rounds": 2, "sign": True}},
    "failures": {"message_drop": 0.1, "byzantine_agents": 0.1},
    "duration": "ticks: 50",
}


def _plugins_check() -> Check:
    missing: list[str] = []
    for layer in LAYERS:
        names = available_plugins(layer)
        if not names:
            missing.append(f"{layer} (none installed)")
            continue
        for name in names:
            try:
                load_provider(layer, name)
            except (UnknownPlugin, ImportError, AttributeError) as exc:
                missing.append(f"{layer}.{name} ({exc})")
    if missing:
        return Check(
            "sim plugins",
            False,
            "unresolvable: " + "; ".join(missing),
            "reinstall the node (uv sync) so its nets.plugins.* entry points are registered",
        )
    return Check("sim plugins", True, f"all {len(LAYERS)} layers have resolvable plugins")


def _determinism_check() -> Check:
    try:
        resolved = scenario.validate(_TINY)
        first = engine.run(resolved, None)
        second = engine.run(scenario.validate(_TINY), None)
    except Exception as exc:  # a doctor reports, it does not crash
        return Check("sim determinism", False, f"tiny scenario failed: {exc}", "report a bug")
    if first.root != second.root or first.root is None:
        return Check("sim determinism", False, "two runs of one seed gave different traces")
    return Check(
        "sim determinism",
        True,
        f"tiny scenario: {first.events} events, root 0x{first.root.hex()[:16]}... twice",
    )


def sim_checks() -> list[Check]:
    """Checks the lead adds to `nets doctor`."""
    return [_plugins_check(), _determinism_check()]
