"""Plugins written for Nanda Town, loaded as nets layers.

Nanda Town finds a layer plugin through the entry point group ``nest.plugins.<layer>``; the
object is a class whose methods are ``async`` and take its pydantic types (``AgentCard``,
``Query``, ``Evidence``, ``Money``, ``ReputationScore``). ``nanda_provider`` wraps such a class
as a nets provider: per-agent views with nets' synchronous layer methods, each running the
plugin's coroutine to completion (plugins for a discrete-event simulator do not wait on I/O;
a coroutine that suspends is a LayerError naming the plugin). Arguments are passed as small dataclasses with
the field names of Nanda Town's types (duck typing: nest-core need not be installed).

Adapted layers, as Nanda Town's own scenarios instantiate them: ``registry`` and ``trust``
(one shared instance, no constructor arguments) and ``payments`` (one instance per agent over
one shared ledger, as its marketplace builds them: ``cls(agent_id, initial_balance=0,
balances=..., payments=...)`` with 1000 credits each, else ``cls(agent_id)``, else ``cls()``;
``balance`` is called when the plugin has it). A Nanda Town trust report carries an ``Evidence`` whose
``kind`` is ``positive`` for a nets score >= 0.5, else ``negative``. The adapter writes the
trace evidence nets' own plugins write (``layer payments pay``, ``layer trust report``), so
the validators read runs with adapted plugins the same way.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from node.sim.layers import AgentCard, LayerError, PluginEnv, Receipt

NANDA_GROUP_PREFIX = "nest.plugins."
ADAPTED_LAYERS = ("registry", "trust", "payments")


@dataclass
class Card:
    """Nanda Town's AgentCard fields."""

    agent_id: str
    name: str
    capabilities: list[str] = field(default_factory=lambda: list[str]())
    endpoint: str | None = None
    metadata: dict[str, Any] = field(default_factory=lambda: dict[str, Any]())


@dataclass
class Query:
    capabilities: list[str] = field(default_factory=lambda: list[str]())
    name_pattern: str | None = None
    metadata_filter: dict[str, Any] = field(default_factory=lambda: dict[str, Any]())


@dataclass
class Evidence:
    reporter: str
    subject: str
    kind: str
    detail: str = ""


@dataclass
class Money:
    amount: int
    currency: str = "credits"


def run_sync(value: Any) -> Any:
    """The result of a plugin call; a coroutine is stepped to completion (LayerError if it
    suspends: a simulated layer has nothing to wait for)."""
    if not isinstance(value, Coroutine):
        return value
    coro: Coroutine[Any, Any, Any] = value
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise LayerError("a Nanda Town plugin method waited on I/O; simulated layers must not")


def _call(obj: Any, method: str, *args: Any) -> Any:
    fn = getattr(obj, method, None)
    if not callable(fn):
        raise LayerError(f"the Nanda Town plugin {type(obj).__name__} has no {method}()")
    import asyncio  # here: a run without Nanda Town plugins does not import asyncio

    try:
        return run_sync(fn(*args))
    except LayerError:
        raise
    except (ValueError, KeyError, TypeError, RuntimeError, asyncio.InvalidStateError) as exc:
        raise LayerError(f"{type(obj).__name__}.{method}: {exc}") from None


class _RegistryView:
    __slots__ = ("_agent", "_plugin")

    def __init__(self, plugin: Any, agent_id: str) -> None:
        self._plugin = plugin
        self._agent = agent_id

    def register(self, capabilities: Any, metadata: Mapping[str, str] | None = None) -> None:
        caps = [capabilities] if isinstance(capabilities, str) else list(capabilities)
        card = Card(self._agent, self._agent, caps, metadata=dict(metadata or {}))
        _call(self._plugin, "register", card)

    def lookup(self, capability: str) -> list[AgentCard]:
        found = _call(self._plugin, "lookup", Query(capabilities=[capability])) or []
        return [
            AgentCard(
                str(c.agent_id),
                tuple(str(x) for x in getattr(c, "capabilities", ())),
                {str(k): str(v) for k, v in dict(getattr(c, "metadata", {}) or {}).items()},
            )
            for c in found
        ]

    def deregister(self) -> None:
        _call(self._plugin, "deregister", self._agent)


class _TrustView:
    __slots__ = ("_agent", "_env", "_plugin")

    def __init__(self, plugin: Any, agent_id: str, env: PluginEnv) -> None:
        self._plugin = plugin
        self._agent = agent_id
        self._env = env

    def report(self, subject: str, score: float) -> None:
        kind = "positive" if score >= 0.5 else "negative"
        evidence = Evidence(self._agent, subject, kind, f"score={score:g}")
        _call(self._plugin, "report", subject, evidence)
        self._env.emit(self._agent, "report", {"subject": subject, "score": float(score)})

    def score(self, subject: str) -> float:
        rep = _call(self._plugin, "score", subject)
        value = getattr(rep, "score", rep)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LayerError(f"{type(self._plugin).__name__}.score gave {value!r}, not a number")
        return float(value)


class _PaymentsView:
    __slots__ = ("_agent", "_env", "_plugin")

    def __init__(self, plugin: Any, agent_id: str, env: PluginEnv) -> None:
        self._plugin = plugin
        self._agent = agent_id
        self._env = env

    def balance(self, agent_id: str | None = None) -> int:
        return int(_call(self._plugin, "balance", agent_id or self._agent))

    def pay(self, to: str, amount: int, ref: str) -> Receipt:
        _call(self._plugin, "pay", to, Money(amount), ref)
        self._env.emit(self._agent, "pay", {"to": to, "amount": amount, "ref": ref})
        return Receipt(ref, self._agent, to, amount, self._env.now())


def _make(cls: type[Any], *args: Any, **ledger: Any) -> Any:
    """``cls(*args, **ledger)``, then with fewer arguments while the constructor refuses them."""
    attempts = [(args, ledger), (args, {}), ((), {})] if args else [((), {})]
    for i, (a, kw) in enumerate(attempts):
        try:
            return cls(*a, **kw)
        except TypeError:
            if i == len(attempts) - 1:
                raise
    raise AssertionError("unreachable")


class _Balances(dict[str, int]):
    """The shared ledger handed to per-agent payment plugins: every agent starts with 1000
    credits (Nanda Town's marketplace), created on first use."""

    def __missing__(self, key: str) -> int:
        self[key] = 1000
        return 1000


def nanda_provider(layer: str, cls: type[Any]) -> type[Any]:
    """A nets provider class for the Nanda Town plugin class ``cls`` of ``layer``."""
    if layer not in ADAPTED_LAYERS:
        raise LayerError(
            f"Nanda Town plugins are adapted for {', '.join(ADAPTED_LAYERS)}, not {layer}"
        )

    class NandaProvider:
        plugin_class = cls

        def __init__(self, env: PluginEnv) -> None:
            self._env = env
            self._shared: Any = None if layer == "payments" else _make(cls)
            self._views: dict[str, Any] = {}
            self._balances: _Balances = _Balances()
            self._payments: dict[str, Any] = {}

        def for_agent(self, agent_id: str) -> Any:
            view = self._views.get(agent_id)
            if view is None:
                if layer == "registry":
                    view = _RegistryView(self._shared, agent_id)
                elif layer == "trust":
                    view = _TrustView(self._shared, agent_id, self._env)
                else:
                    plugin = _make(
                        cls,
                        agent_id,
                        initial_balance=0,
                        balances=self._balances,
                        payments=self._payments,
                    )
                    view = _PaymentsView(plugin, agent_id, self._env)
                self._views[agent_id] = view
            return view

    NandaProvider.__name__ = NandaProvider.__qualname__ = f"Nanda{cls.__name__}"
    return NandaProvider
