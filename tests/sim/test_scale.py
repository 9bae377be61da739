"""What keeps the simulator's cost per event flat in the number of agents, asserted by counting.

The 100,000-agent marketplace once spent most of its time rebuilding the registry's list of an
item's sellers on every lookup (O(sellers of the item), i.e. O(agents)). The in_memory registry
now hands out one tuple per capability until its cards change; these tests pin that without a
clock: by object identity, by a differential model, and by counting rebuilds in whole runs.
"""

from __future__ import annotations

import gc
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from node.sim import engine, scenario
from node.sim.layers import AgentCard, PluginEnv
from node.sim.reference.registry import InMemoryRegistry
from tests.sim.conftest import make


def _registry() -> InMemoryRegistry:
    return InMemoryRegistry(PluginEnv("registry", "in_memory", 1, lambda: 0, lambda a, e, f: None))


def test_lookup_is_shared_until_its_capability_changes() -> None:
    reg = _registry()
    reg.for_agent("s1").register(["apples", "pears"])
    reg.for_agent("s2").register(["apples"])
    buyer = reg.for_agent("b")
    first = buyer.lookup("apples")
    assert [c.agent_id for c in first] == ["s1", "s2"]
    assert buyer.lookup("apples") is first
    assert reg.for_agent("c").lookup("apples") is first
    pears = buyer.lookup("pears")
    reg.for_agent("s3").register(["plums"])  # another capability: both tuples stand
    assert buyer.lookup("apples") is first
    assert buyer.lookup("pears") is pears
    reg.for_agent("s3").register(["apples"])  # s3 now sells apples: a new tuple, in order
    assert [c.agent_id for c in buyer.lookup("apples")] == ["s1", "s2", "s3"]
    reg.for_agent("s1").register(["apples"])  # re-registering moves s1 last, drops its pears
    assert [c.agent_id for c in buyer.lookup("apples")] == ["s2", "s3", "s1"]
    assert buyer.lookup("pears") == ()
    reg.for_agent("s2").deregister()
    assert [c.agent_id for c in buyer.lookup("apples")] == ["s3", "s1"]


_AGENTS = st.sampled_from(["a", "b", "c", "d"])
_CAPS = st.sampled_from(["x", "y", "z"])
_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("register"), _AGENTS, st.lists(_CAPS, min_size=1, max_size=3)),
        st.tuples(st.just("deregister"), _AGENTS, st.just([])),
        st.tuples(st.just("lookup"), _AGENTS, st.lists(_CAPS, min_size=1, max_size=1)),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(_OPS)
def test_cached_lookups_match_a_fresh_scan(ops: list[tuple[str, str, list[str]]]) -> None:
    """Differential: after any sequence of changes, a lookup is what scanning the cards gives."""
    reg = _registry()
    model: dict[str, tuple[str, ...]] = {}  # agent -> capabilities, in registration order
    for op, agent, caps in ops:
        view = reg.for_agent(agent)
        if op == "register":
            card = view.register(caps)
            model.pop(agent, None)
            model[agent] = card.capabilities
        elif op == "deregister":
            view.deregister()
            model.pop(agent, None)
        else:
            expected = [a for a, held in model.items() if caps[0] in held]
            found: tuple[AgentCard, ...] = view.lookup(caps[0])
            assert [c.agent_id for c in found] == expected
            assert all(c.capabilities == model[c.agent_id] for c in found)


def _marketplace(count: int) -> tuple[engine.Simulation, dict[str, Any]]:
    data = make("marketplace", count=count)
    data["task"]["config"] = {"items": 5, "rounds": 3, "period": 30}
    sim = engine.Simulation(scenario.validate(data))
    result = sim.run()
    return sim, result.metrics


def test_marketplace_lookups_do_not_rebuild_per_request() -> None:
    """Every request looks its item up; the registry builds each item's tuple once per run,
    whatever the number of agents (sellers register before the first request)."""
    for count in (40, 400):
        sim, metrics = _marketplace(count)
        registry = sim.providers["registry"]
        assert isinstance(registry, InMemoryRegistry)
        assert metrics["requests"] == 3 * (count // 2)  # every buyer's every round found sellers
        assert registry.rebuilds <= 5  # at most one per catalog item, not one per request


def test_a_run_does_not_make_the_collector_walk_the_heap_per_few_hundred_events() -> None:
    """Collections during a run are counted, not timed: with CPython's default first threshold
    (700) this 60,000-event run collects generation 0 about 40 times and generation 1 four
    times (10 and 1 with the engine's threshold); the caller's threshold is back afterwards."""
    before = gc.get_threshold()
    stats = [g["collections"] for g in gc.get_stats()]
    result = engine.Simulation(scenario.validate(make(count=4000))).run()
    young, middle, old = (g["collections"] - s for g, s in zip(gc.get_stats(), stats, strict=True))
    assert gc.get_threshold() == before
    assert result.events == 60_000
    assert young <= 20
    assert middle <= 2
    assert old <= 1
