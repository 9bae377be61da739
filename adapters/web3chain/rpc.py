"""JSON-RPC over HTTP with retries on transient failures and a one-line error when down.

Only transport-level failures are retried (connection refused/reset, timeouts, HTTP 429 and
5xx). A JSON-RPC error object is the node's answer and is raised as ``RpcError`` at once.
Callers decide which methods are safe to repeat: reads always are; ``eth_sendRawTransaction``
is only repeated with the same signed bytes (same hash, same nonce), see sender.py.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

from adapters.errors import AdapterError, ChainUnavailable

TRANSIENT_HTTP = frozenset({429, 500, 502, 503, 504})


class RpcError(AdapterError):
    """The endpoint answered with a JSON-RPC error object (e.g. a method it does not offer)."""

    def __init__(self, method: str, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{method}: {message} (code {code})")
        self.method = method
        self.code = code
        self.message = message
        self.data = data

    def revert_data(self) -> bytes | None:
        """The revert payload of a failed call/estimate, if the node included one."""
        data = self.data
        if isinstance(data, dict):
            data = data.get("data")
        if isinstance(data, str) and data.startswith("0x"):
            try:
                return bytes.fromhex(data[2:])
            except ValueError:
                return None
        if "execution reverted" in self.message or "revert" in self.message.lower():
            return b""
        return None


class TransientRpcFailure(Exception):
    """One attempt failed at the transport level; worth retrying."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: delay = min(cap, base * factor**attempt) * U(0.5, 1)."""

    attempts: int = 5
    base_delay: float = 0.05
    factor: float = 2.0
    max_delay: float = 1.0

    def delay(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * self.factor**attempt) * random.uniform(0.5, 1)


class RpcClient:
    """Thread-safe JSON-RPC client: one HTTP session per thread, retries per ``RetryPolicy``."""

    def __init__(
        self, url: str, *, timeout: float = 10.0, retry: RetryPolicy | None = None
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._local = threading.local()
        self._ids = itertools.count(1)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def call(self, method: str, *params: Any, retry: bool = True) -> Any:
        """Result of ``method(params)``; RpcError on a node error, ChainUnavailable when down."""
        attempts = self.retry.attempts if retry else 1
        last = "no attempt"
        for attempt in range(attempts):
            try:
                return self.call_once(method, *params)
            except TransientRpcFailure as exc:
                last = str(exc)
                if attempt + 1 < attempts:
                    time.sleep(self.retry.delay(attempt))
        raise ChainUnavailable(f"{self.url}: {method} failed after {attempts} attempts: {last}")

    def call_once(self, method: str, *params: Any) -> Any:
        """A single attempt: TransientRpcFailure for transport trouble, RpcError for node errors."""
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        try:
            response = self._session().post(self.url, json=body, timeout=self.timeout)
        except requests.Timeout:
            raise TransientRpcFailure(f"timed out after {self.timeout:g}s") from None
        except requests.ConnectionError as exc:
            self._local.session = None
            raise TransientRpcFailure(_connection_reason(exc)) from None
        except requests.RequestException as exc:
            raise TransientRpcFailure(type(exc).__name__) from None
        if response.status_code in TRANSIENT_HTTP:
            raise TransientRpcFailure(f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError:
            raise TransientRpcFailure(f"HTTP {response.status_code}: not JSON") from None
        if not isinstance(payload, dict):
            raise TransientRpcFailure("malformed JSON-RPC response")
        error = payload.get("error")
        if error is not None:
            if not isinstance(error, dict):
                raise RpcError(method, -1, str(error))
            raise RpcError(
                method, int(error.get("code", -1)), str(error.get("message", "")), error.get("data")
            )
        if "result" not in payload:
            raise TransientRpcFailure("JSON-RPC response without result")
        return payload["result"]


def _connection_reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for reason in (
        "Connection refused",
        "Connection reset",
        "Connection aborted",
        "RemoteDisconnected",
    ):
        if reason in text:
            return reason.lower() if reason != "RemoteDisconnected" else "connection closed"
    return "connection failed"


def to_int(value: Any) -> int:
    """Quantity (0x hex string) to int."""
    if isinstance(value, int):
        return value
    return int(str(value), 16)


def to_hex(value: int | bytes) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return hex(value)


def from_hex(value: str | None) -> bytes:
    if not value:
        return b""
    return bytes.fromhex(value[2:] if value.startswith("0x") else value)
