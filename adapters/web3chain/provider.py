"""The web3.py connection: a provider chosen by the URL's scheme, web3's own retry
configuration for HTTP, and one middleware that turns transport failures into ChainUnavailable.

Only transport failures are retried (connection refused or reset, timeouts, HTTP 429/5xx),
by the HTTP provider itself. A JSON-RPC error object is the node's answer and reaches the
caller at once. ``eth_sendRawTransaction`` is safe to repeat: the bytes are the same, so the
hash and nonce are too (see sender.py). The roles treat ChainUnavailable as an outage.
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from requests.utils import get_netrc_auth
from web3 import AsyncWeb3, Web3
from web3.exceptions import ProviderConnectionError, TimeExhausted, Web3RPCError
from web3.middleware import Web3Middleware
from web3.providers import HTTPProvider, IPCProvider, JSONBaseProvider, WebSocketProvider
from web3.providers.rpc.utils import REQUEST_RETRY_ALLOWLIST, ExceptionRetryConfiguration

from adapters.errors import AdapterError, ChainUnavailable

if TYPE_CHECKING:
    from web3.providers.base import BaseProvider
    from web3.types import MakeRequestFn, RPCEndpoint, RPCResponse

TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.ConnectionError,
    requests.HTTPError,
    requests.Timeout,
)
"""What the HTTP provider retries: the request may not have reached the node, or its answer
was lost; never a JSON-RPC error object."""

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    *TRANSPORT_ERRORS,
    OSError,  # IPC socket missing or refused; WebSocket connection dropped
    ProviderConnectionError,
    TimeExhausted,
    asyncio.TimeoutError,
    json.JSONDecodeError,  # a proxy's error page instead of a JSON-RPC answer
)


def retry_configuration(retries: int = 5, backoff: float = 0.05) -> ExceptionRetryConfiguration:
    """web3's HTTP retry: ``retries`` attempts, sleeping ``backoff * 2**attempt`` between them."""
    return ExceptionRetryConfiguration(
        errors=TRANSPORT_ERRORS,
        retries=retries,
        backoff_factor=backoff,
        method_allowlist=REQUEST_RETRY_ALLOWLIST,
    )


def provider_for(
    url: str, *, timeout: float = 10.0, retry: ExceptionRetryConfiguration | None = None
) -> BaseProvider:
    """HTTP(S), WebSocket or IPC by the URL: ``http://``, ``ws://``, ``ipc:///path`` or a path."""
    scheme = urlsplit(url).scheme
    if scheme in ("http", "https"):
        return HTTPProvider(
            url,
            request_kwargs={
                "timeout": timeout,
                "headers": dict(HTTPProvider.get_request_headers()),
            },
            session=http_session(url),
            exception_retry_configuration=retry or retry_configuration(),
        )
    if scheme in ("ws", "wss"):
        return WebSocketBridge(url, timeout=timeout)
    if scheme == "ipc" or (scheme == "" and url):
        path = urlsplit(url).path if scheme == "ipc" else url
        return IPCProvider(Path(path), timeout=int(max(timeout, 1)))
    raise AdapterError(f"RPC URL {url!r}: use http(s)://, ws(s)://, ipc:///PATH or a socket path")


def http_session(url: str) -> requests.Session:
    """One keep-alive session for every thread, with the environment (proxy variables, CA
    bundle, ``.netrc``) read once here: a session that trusts the environment reads and
    stats it again on every request, about a tenth of a transaction's client time."""
    session = requests.Session()
    settings = session.merge_environment_settings(url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    session.cert = settings["cert"]
    session.auth = get_netrc_auth(url)
    session.trust_env = False
    return session


def endpoint_of(provider: BaseProvider) -> str:
    """The URL (or socket path) a provider talks to, as error messages name it."""
    for attribute in ("endpoint_uri", "ipc_path"):
        value = getattr(provider, attribute, None)
        if value:
            return str(value)
    return type(provider).__name__


def connect(provider: BaseProvider) -> Web3:
    """A Web3 over ``provider`` with only the outage middleware: transactions are signed and
    fees set by the sender, so web3's default gas and validation layers would only add calls.
    CCIP read is off: a revert naming an off-chain URL must not make the node fetch it."""
    provider.global_ccip_read_enabled = False
    return Web3(provider, middleware=[OutageMiddleware])


class OutageMiddleware(Web3Middleware):
    """A transport failure (after the provider's retries) as one-line ChainUnavailable."""

    def wrap_make_request(self, make_request: MakeRequestFn) -> MakeRequestFn:
        def middleware(method: RPCEndpoint, params: Any) -> RPCResponse:
            try:
                return make_request(method, params)
            except OUTAGE_ERRORS as exc:
                where = endpoint_of(self._w3.provider)  # type: ignore[arg-type]
                raise ChainUnavailable(f"{where}: {method} failed: {_reason(exc)}") from None

        return middleware


def _reason(exc: BaseException) -> str:
    """A short cause: 'connection refused', 'timed out', 'HTTP 503'."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, requests.Timeout | TimeExhausted | asyncio.TimeoutError | TimeoutError):
        return "timed out"
    if isinstance(exc, json.JSONDecodeError):
        return "the answer is not JSON"
    text = str(exc)
    if isinstance(exc, ConnectionRefusedError) or "Connection refused" in text:
        return "connection refused"
    if isinstance(exc, FileNotFoundError):
        return "no such socket"
    for marker in ("Connection reset", "Connection aborted", "RemoteDisconnected"):
        if marker in text:
            return "connection reset" if marker != "RemoteDisconnected" else "connection closed"
    return "connection failed"


class WebSocketBridge(JSONBaseProvider):
    """web3 v8 offers WebSocket to AsyncWeb3 only: an AsyncWeb3 over its WebSocketProvider
    runs on a private event loop thread and each request waits for its answer there, so the
    adapter stays synchronous. Error responses come back as responses, so the synchronous
    caller's own formatters judge them (a revert is ContractLogicError, as over HTTP)."""

    def __init__(self, url: str, *, timeout: float = 10.0, connection_retries: int = 2) -> None:
        super().__init__()
        self.endpoint_uri = url
        self.timeout = timeout
        self.connection_retries = connection_retries  # web3 waits 1.75 s, then x1.75, between
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._w3: AsyncWeb3[WebSocketProvider] | None = None

    def _connected(self) -> AsyncWeb3[WebSocketProvider]:
        with self._lock:
            if self._w3 is None:
                ws = WebSocketProvider(
                    self.endpoint_uri,
                    request_timeout=self.timeout,
                    max_connection_retries=self.connection_retries,
                )
                ws.global_ccip_read_enabled = False
                self._run(ws.connect())
                self._w3 = AsyncWeb3(ws, middleware=[])
            return self._w3

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self.timeout + 5)

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        try:
            result = self._run(self._connected().manager.socket_request(method, params))
        except Web3RPCError as exc:
            if exc.rpc_response is None:
                raise
            return exc.rpc_response
        except OUTAGE_ERRORS:
            with self._lock:
                self._w3 = None  # reconnect on the next request
            raise
        return {"jsonrpc": "2.0", "id": 0, "result": result}

    def is_connected(self, show_traceback: bool = False) -> bool:
        try:
            self.make_request("web3_clientVersion", [])  # type: ignore[arg-type]
        except OUTAGE_ERRORS:
            return False
        return True

    def disconnect(self) -> None:
        with self._lock:
            if self._w3 is not None:
                self._run(self._w3.provider.disconnect())
                self._w3 = None
