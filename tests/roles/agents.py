"""Agent modules and the demo league the roles tests play."""

from __future__ import annotations

from adapters.toolchain import PROJECT_ROOT
from node.league.catalog import resolve_league
from node.wasm import load_agent_file

AGENTS = PROJECT_ROOT / "scenarios" / "agents"
GREEDY = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
SIMPLE = load_agent_file(AGENTS / "snake" / "simple_v0.wat")
GUEST = load_agent_file(AGENTS / "snake" / "nets_guest_v0.wat")
LOOP = load_agent_file(AGENTS / "hostile" / "infinite_loop.wat")
DEMO = resolve_league("demo")
STAKE = 1_000_000
