"""Message helpers shared by the scenario task types: comms-layer envelopes in, envelopes out.

Every scenario message goes through the comms layer (``nest/1 <kind> <canonical JSON>``), so a
byzantine sender's garbled bytes are refused by decoding instead of crashing an agent.
"""

from __future__ import annotations

from typing import Any

from node.sim.agent import Context
from node.sim.layers import Envelope, LayerError


def send(ctx: Context, to: str, kind: str, **body: Any) -> None:
    """Encode ``body`` as a ``kind`` envelope with the agent's comms layer and send it."""
    ctx.send(to, ctx.plugins.comms.encode(kind, body))


def receive(ctx: Context, payload: bytes) -> Envelope | None:
    """The decoded envelope, or None for bytes the comms layer refuses (garbled, foreign)."""
    try:
        return ctx.plugins.comms.decode(payload)
    except LayerError:
        return None


def as_int(value: Any, default: int = -1) -> int:
    """An int field from a peer's message; anything else is ``default`` (peers are untrusted)."""
    return value if type(value) is int else default


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""
