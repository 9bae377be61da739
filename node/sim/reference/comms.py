"""nest_native comms: a versioned envelope ``nest/1 <kind> <canonical JSON object>``."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from node.sim.layers import Envelope, LayerError, PluginEnv

PREFIX = b"nest/1 "
MAX_MESSAGE = 1 << 20
_KIND = re.compile(r"[a-z][a-z0-9_.-]{0,63}")


class CommsError(LayerError):
    """A message that is not a well-formed envelope (garbled, truncated, foreign)."""


class NestNativeComms:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env

    def for_agent(self, agent_id: str) -> NestNativeCodec:
        return _CODEC


class NestNativeCodec:
    __slots__ = ()

    def encode(self, kind: str, body: Mapping[str, Any]) -> bytes:
        if not _KIND.fullmatch(kind):
            raise CommsError(f"bad message kind {kind!r}")
        text = json.dumps(dict(body), sort_keys=True, separators=(",", ":"), allow_nan=False)
        return PREFIX + kind.encode() + b" " + text.encode()

    def decode(self, data: bytes) -> Envelope:
        if len(data) > MAX_MESSAGE or not data.startswith(PREFIX):
            raise CommsError("not a nest/1 envelope")
        kind_raw, sep, body_raw = data[len(PREFIX) :].partition(b" ")
        try:
            kind = kind_raw.decode("ascii")
            body = json.loads(body_raw)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise CommsError("malformed envelope") from None
        if not sep or not _KIND.fullmatch(kind) or not isinstance(body, dict):
            raise CommsError("malformed envelope")
        return Envelope(kind, body)


_CODEC = NestNativeCodec()
