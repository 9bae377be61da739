"""The 12 layers of the agent stack as typing.Protocols.

A plugin is a *provider* class found through the entry point group ``nets.plugins.<layer>``.
The engine builds one provider per run (it holds what agents share: a ledger, a directory, a
blackboard) and asks it for a per-agent instance the first time an agent touches the layer, so
an agent that never signs never pays for a key pair.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from node.sim.rng import derive_bytes

LAYERS: tuple[str, ...] = (
    "transport",
    "comms",
    "identity",
    "registry",
    "auth",
    "trust",
    "payments",
    "coordination",
    "negotiation",
    "memory",
    "privacy",
    "datafacts",
)

ENTRY_POINT_PREFIX = "nets.plugins."


class LayerError(Exception):
    """A layer refused an operation (bad signature, expired token, insufficient credits...)."""


@dataclass(frozen=True)
class PluginEnv:
    """What the engine gives a provider: its seed stream, the clock and the trace."""

    layer: str
    plugin: str
    seed: int
    now: Callable[[], int]
    emit: Callable[[str, str, dict[str, Any]], None]
    config: Mapping[str, Any] = field(default_factory=dict)

    def key_material(self, *parts: str) -> bytes:
        """32 deterministic bytes for this plugin, e.g. an agent's private key seed."""
        return derive_bytes(self.seed, "plugin", self.layer, self.plugin, *parts)


@runtime_checkable
class Provider(Protocol):
    """One per run and layer; hands out the per-agent instances."""

    def __init__(self, env: PluginEnv) -> None: ...

    def for_agent(self, agent_id: str) -> Any: ...


# ---------------------------------------------------------------------------- data types


@dataclass(frozen=True, slots=True)
class Envelope:
    """A decoded comms message."""

    kind: str
    body: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class AgentCard:
    agent_id: str
    capabilities: tuple[str, ...]
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Claims:
    issuer: str
    subject: str
    scopes: tuple[str, ...]
    issued_at: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class Receipt:
    ref: str
    payer: str
    payee: str
    amount: int
    at: int


@dataclass(frozen=True, slots=True)
class Award:
    call_id: str
    winner: str
    price: int
    bids: int


@dataclass(slots=True)
class Session:
    """One alternating-offers negotiation as seen by one side."""

    session_id: str
    counterparty: str
    reservation: int
    selling: bool
    round: int = 0
    last_offer: int | None = None
    state: str = "open"  # open | agreed | broken


@dataclass(frozen=True, slots=True)
class Reply:
    action: str  # accept | counter | breakdown
    price: int | None


@dataclass(frozen=True, slots=True)
class Entry:
    value: Any
    version: int
    writer: str


@dataclass(frozen=True, slots=True)
class DataFact:
    url: str
    name: str
    owner: str
    digest: str
    published_at: int
    ttl: int


# ---------------------------------------------------------------------------- protocols


@runtime_checkable
class TransportProvider(Provider, Protocol):
    """Per-hop delay in ticks. ``constant_delay`` set means the engine may skip the call."""

    constant_delay: int | None

    def delay(self, sender: str, recipient: str, size: int) -> int: ...


@runtime_checkable
class Transport(Protocol):
    def latency_to(self, recipient: str, size: int) -> int: ...


@runtime_checkable
class Comms(Protocol):
    def encode(self, kind: str, body: Mapping[str, Any]) -> bytes: ...

    def decode(self, data: bytes) -> Envelope: ...


@runtime_checkable
class Identity(Protocol):
    did: str

    def sign(self, data: bytes) -> bytes: ...

    def verify(self, did: str, data: bytes, signature: bytes) -> bool: ...


@runtime_checkable
class Registry(Protocol):
    def register(
        self, capabilities: Sequence[str], metadata: Mapping[str, str] | None = None
    ) -> AgentCard: ...

    def lookup(self, capability: str) -> Sequence[AgentCard]:
        """The cards offering ``capability``, in registration order. Read-only: a plugin may
        hand every caller the same sequence (in_memory does, so a lookup is O(1))."""
        ...

    def deregister(self) -> None: ...


@runtime_checkable
class Auth(Protocol):
    def issue(self, subject: str, scopes: Sequence[str], ttl: int) -> str: ...

    def verify(self, token: str, scope: str | None = None) -> Claims: ...


@runtime_checkable
class Trust(Protocol):
    def report(self, subject: str, score: float) -> None: ...

    def score(self, subject: str) -> float: ...


@runtime_checkable
class Payments(Protocol):
    def balance(self, agent_id: str | None = None) -> int: ...

    def pay(self, to: str, amount: int, ref: str) -> Receipt: ...


@runtime_checkable
class Coordination(Protocol):
    def announce(self, task: str, deadline: int) -> str: ...

    def bid(self, call_id: str, price: int) -> bool: ...

    def award(self, call_id: str) -> Award | None: ...


@runtime_checkable
class Negotiation(Protocol):
    def open(
        self, session_id: str, counterparty: str, reservation: int, *, selling: bool
    ) -> Session: ...

    def first_offer(self, session: Session) -> int: ...

    def respond(self, session: Session, offer: int) -> Reply: ...


@runtime_checkable
class Memory(Protocol):
    def get(self, key: str) -> Entry | None: ...

    def put(self, key: str, value: Any) -> int: ...

    def cas(self, key: str, expected_version: int, value: Any) -> bool: ...


@runtime_checkable
class Privacy(Protocol):
    public_key: bytes

    def seal(self, recipient: str, plaintext: bytes) -> bytes: ...

    def open(self, sender: str, ciphertext: bytes) -> bytes: ...


@runtime_checkable
class DataFacts(Protocol):
    def publish(self, name: str, content: bytes, ttl: int) -> DataFact: ...

    def fetch(self, url: str, content: bytes | None = None) -> DataFact: ...

    def is_fresh(self, url: str) -> bool: ...

    def grant(self, url: str, agent_id: str) -> None: ...

    def can_access(self, url: str, agent_id: str) -> bool: ...


LAYER_PROTOCOLS: dict[str, type] = {
    "transport": Transport,
    "comms": Comms,
    "identity": Identity,
    "registry": Registry,
    "auth": Auth,
    "trust": Trust,
    "payments": Payments,
    "coordination": Coordination,
    "negotiation": Negotiation,
    "memory": Memory,
    "privacy": Privacy,
    "datafacts": DataFacts,
}
