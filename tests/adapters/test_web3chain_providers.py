"""The provider is chosen by the URL: the same Web3Chain over HTTP, WebSocket and IPC."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from web3 import HTTPProvider, IPCProvider

from adapters.anvil import Anvil, free_port
from adapters.build import Artifact
from adapters.errors import AdapterError, ChainError, ChainUnavailable
from adapters.events import EventCursor
from adapters.keys import anvil_account
from adapters.web3chain import Web3Chain, provider_for, retry_configuration
from adapters.web3chain.provider import WebSocketBridge, http_session
from tests.adapters.conftest import deploy_probe

pytestmark = pytest.mark.anvil


@pytest.fixture
def ipc_anvil(tmp_path: Path) -> Iterator[Anvil]:
    node = Anvil(ipc_path=tmp_path / "anvil.ipc").start()
    try:
        yield node
    finally:
        node.stop()


def test_scheme_picks_the_provider(tmp_path: Path) -> None:
    assert isinstance(provider_for("http://127.0.0.1:8545"), HTTPProvider)
    assert isinstance(provider_for("https://rpc.example"), HTTPProvider)
    assert isinstance(provider_for("ws://127.0.0.1:8545"), WebSocketBridge)
    ipc = provider_for(f"ipc://{tmp_path}/node.ipc")
    assert isinstance(ipc, IPCProvider)
    assert Path(ipc.ipc_path) == tmp_path / "node.ipc"
    assert isinstance(provider_for(str(tmp_path / "node.ipc")), IPCProvider)
    with pytest.raises(AdapterError, match="use http"):
        provider_for("ftp://127.0.0.1/")


def test_http_session_reads_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxy variables and the CA bundle are taken when the provider is built, then pinned:
    a session trusting the environment would read (and stat .netrc) on every request."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    remote = http_session("https://rpc.example")
    assert remote.proxies["https"] == remote.proxies["http"] == "http://proxy.invalid:3128"
    assert remote.verify == "/etc/ssl/certs/ca-certificates.crt"
    assert remote.trust_env is False
    assert "http" not in http_session("http://127.0.0.1:8545").proxies  # NO_PROXY honoured


def _round_trip(chain: Web3Chain, artifacts: dict[str, Artifact]) -> None:
    """Deploy, transact, read a named revert and the events: everything the adapter does."""
    deploy_probe(chain, artifacts, chain.sender.address)
    start = EventCursor(chain.block_number() + 1)
    chain.transact("Probe", "hit", 1, "one")
    chain.transact("Probe", "bump")
    assert chain.call("Probe", "count") == 2
    with pytest.raises(ChainError) as caught:
        chain.transact("Probe", "setLimited", 101)
    assert (caught.value.name, caught.value.args) == ("TooLarge", (101, 100))
    events = chain.events_since(start).events
    assert [e.name for e in events] == ["Hit", "Bumped"]
    assert events[0].args == {"id": 1, "by": chain.sender.address, "note": "one"}


def test_websocket_endpoint(anvil: Anvil, probe_artifacts: dict[str, Artifact]) -> None:
    chain = Web3Chain(f"ws://127.0.0.1:{anvil.port}", anvil_account(8))
    try:
        assert chain.chain_id == 31337
        _round_trip(chain, probe_artifacts)
    finally:
        provider = chain.w3.provider
        assert isinstance(provider, WebSocketBridge)
        provider.disconnect()


def test_ipc_endpoint(ipc_anvil: Anvil, probe_artifacts: dict[str, Artifact]) -> None:
    assert ipc_anvil.ipc_path is not None
    chain = Web3Chain(str(ipc_anvil.ipc_path), anvil_account(0))
    assert chain.chain_id == 31337
    _round_trip(chain, probe_artifacts)


@pytest.mark.parametrize("scheme", ["ws", "ipc"])
def test_down_endpoint_is_one_clear_line(scheme: str, tmp_path: Path) -> None:
    url = f"ws://127.0.0.1:{free_port()}" if scheme == "ws" else str(tmp_path / "gone.ipc")
    with pytest.raises(ChainUnavailable) as caught:
        Web3Chain(url, anvil_account(0), timeout=2).block_number()
    message = str(caught.value)
    assert message.startswith(url)
    assert "eth_blockNumber" in message
    assert "\n" not in message


def test_chain_option_takes_websocket_and_ipc_urls(tmp_path: Path) -> None:
    from adapters.select import open_chain

    for url in (f"ws://127.0.0.1:{free_port()}", f"ipc://{tmp_path}/gone.ipc"):
        with pytest.raises(ChainUnavailable, match="eth_chainId failed"):
            open_chain(url, signer=anvil_account(0))


class _Broken(BaseHTTPRequestHandler):
    """An endpoint that answers every POST with an HTML page, or HTTP 503 on /busy."""

    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = 503 if self.path == "/busy" else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>bad gateway</html>")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def broken_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_error_pages_are_outages_and_5xx_is_retried(broken_endpoint: str) -> None:
    with pytest.raises(ChainUnavailable, match="eth_blockNumber failed: the answer is not JSON"):
        Web3Chain(broken_endpoint).block_number()
    _Broken.hits = 0
    busy = f"{broken_endpoint}/busy"
    retry = retry_configuration(retries=3, backoff=0.01)
    with pytest.raises(ChainUnavailable, match="eth_blockNumber failed: HTTP 503"):
        Web3Chain(busy, retry=retry).block_number()
    assert _Broken.hits == 3  # web3's retry configuration repeated it
