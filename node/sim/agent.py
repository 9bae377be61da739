"""The agent API: state-machine agents and the context the engine hands them.

Agents react to four callbacks. Everything they may do to the world goes through the context:
send, broadcast and schedule (timers), plus their own RNG and their per-agent layer plugins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from node.sim.layers import (
    Auth,
    Comms,
    Coordination,
    DataFacts,
    Identity,
    Memory,
    Negotiation,
    Payments,
    Privacy,
    Provider,
    Registry,
    Transport,
    Trust,
)
from node.sim.rng import SplitMix64, derive_seed

if TYPE_CHECKING:
    from node.sim.engine import Simulation


class Roster:
    """Agent ids by role, shared by all agents of a run (one list per role, not per agent)."""

    __slots__ = ("_by_role", "all")

    def __init__(self, by_role: Mapping[str, Sequence[str]]) -> None:
        self._by_role = {role: list(ids) for role, ids in by_role.items()}
        self.all: list[str] = [a for ids in self._by_role.values() for a in ids]

    def ids(self, role: str) -> list[str]:
        return self._by_role.get(role, [])

    def count(self, role: str) -> int:
        return len(self._by_role.get(role, ()))

    @property
    def roles(self) -> list[str]:
        return list(self._by_role)


@dataclass(frozen=True)
class Setup:
    """What an agent class is constructed with."""

    agent_id: str
    role: str
    role_index: int
    task_config: Any
    role_config: Mapping[str, Any] = field(default_factory=dict)
    roster: Roster = field(default_factory=lambda: Roster({}))


class Agent:
    """Base state machine; override the callbacks you need."""

    __slots__ = ()

    def __init__(self, setup: Setup) -> None:
        del setup

    def on_start(self, ctx: Context) -> None:
        """Called once at time 0, in agent order."""

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        """A message from ``sender`` arrived (possibly garbled by a byzantine sender)."""

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        """A timer set with ctx.schedule fired."""

    def on_stop(self, ctx: Context) -> None:
        """Called once when the run ends; messages sent here are not delivered."""


class PluginSet:
    """The layer instances of one agent, created on first use."""

    __slots__ = ("_agent_id", "_cache", "_providers")

    def __init__(self, agent_id: str, providers: Mapping[str, Provider]) -> None:
        self._agent_id = agent_id
        self._providers = providers
        self._cache: dict[str, Any] = {}

    def get(self, layer: str) -> Any:
        inst = self._cache.get(layer)
        if inst is None:
            provider = self._providers.get(layer)
            if provider is None:
                raise KeyError(f"no plugin configured for layer {layer!r}")
            inst = self._cache[layer] = provider.for_agent(self._agent_id)
        return inst

    __getitem__ = get

    @property
    def transport(self) -> Transport:
        return self.get("transport")

    @property
    def comms(self) -> Comms:
        return self.get("comms")

    @property
    def identity(self) -> Identity:
        return self.get("identity")

    @property
    def registry(self) -> Registry:
        return self.get("registry")

    @property
    def auth(self) -> Auth:
        return self.get("auth")

    @property
    def trust(self) -> Trust:
        return self.get("trust")

    @property
    def payments(self) -> Payments:
        return self.get("payments")

    @property
    def coordination(self) -> Coordination:
        return self.get("coordination")

    @property
    def negotiation(self) -> Negotiation:
        return self.get("negotiation")

    @property
    def memory(self) -> Memory:
        return self.get("memory")

    @property
    def privacy(self) -> Privacy:
        return self.get("privacy")

    @property
    def datafacts(self) -> DataFacts:
        return self.get("datafacts")


class Context:
    """One per agent. Valid for the whole run; cheap until rng or plugins are touched."""

    __slots__ = ("_plugins", "_rng", "_sim", "agent_id", "index", "role")

    def __init__(self, sim: Simulation, index: int, agent_id: str, role: str) -> None:
        self._sim = sim
        self.index = index
        self.agent_id = agent_id
        self.role = role
        self._rng: SplitMix64 | None = None
        self._plugins: PluginSet | None = None

    @property
    def time(self) -> int:
        """The virtual clock, in ticks."""
        return self._sim.now

    @property
    def rng(self) -> SplitMix64:
        """This agent's own stream, derived from the scenario seed and the agent id."""
        rng = self._rng
        if rng is None:
            rng = self._rng = SplitMix64(derive_seed(self._sim.seed, "agent", self.agent_id))
        return rng

    @property
    def plugins(self) -> PluginSet:
        plugins = self._plugins
        if plugins is None:
            plugins = self._plugins = PluginSet(self.agent_id, self._sim.providers)
        return plugins

    def send(self, to: str, payload: bytes) -> None:
        """Send ``payload`` to agent ``to``; it arrives after the transport delay, or not."""
        self._sim.send(self.index, to, payload)

    def broadcast(self, payload: bytes, to: Sequence[str] | None = None) -> None:
        """Send to every other agent (O(agents): prefer explicit peers at scale)."""
        sim = self._sim
        own = self.agent_id
        for peer in sim.roster.all if to is None else to:
            if peer != own:
                sim.send(self.index, peer, payload)

    def schedule(self, delay: int, payload: bytes = b"") -> None:
        """Fire on_timer(payload) after ``delay`` >= 1 ticks."""
        self._sim.schedule(self.index, delay, payload)

    def emit(self, event: str, **fields: Any) -> None:
        """Write an application event into the trace (kind "app")."""
        self._sim.emit_app(self.index, event, fields)
