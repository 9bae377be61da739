"""Anvil devnet lifecycle: start on a free loopback port, wait for RPC readiness, stop."""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO

from adapters.toolchain import anvil_path

DEFAULT_MNEMONIC = "test test test test test test test test test test test junk"
# Anvil's first default account (derived from DEFAULT_MNEMONIC); public knowledge, devnet only.
DEFAULT_KEYS = (
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
    "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
    "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
    "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
    "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
)


DEFAULT_BLOCK_TIME = 1
"""Seconds between blocks on the chains a user starts (`nets chain up`, the memory chain kept
in a file or database): short next to every league's move window, so waiting for a block never
costs a move."""


class AnvilError(RuntimeError):
    """Anvil could not be started or did not become ready."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rpc_call(
    url: str, method: str, params: list[object] | None = None, timeout: float = 5.0
) -> object:
    """One JSON-RPC call over HTTP; raises OSError/urllib errors when the endpoint is down."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = json.loads(response.read())
    if "error" in payload:
        raise AnvilError(f"{method}: {payload['error']}")
    return payload["result"]


@dataclass
class Anvil:
    """A running anvil process on loopback. Use as a context manager or call stop()."""

    port: int = 0
    chain_id: int = 31337
    block_time: float | None = None
    timestamp: int | None = None
    """The genesis block's timestamp (default: the wall time at start)."""
    state_file: Path | None = None
    state_interval: float | None = None
    """Dump ``state_file`` every so many seconds (not only on exit), so a killed anvil restarts
    close to where it was."""
    log_path: Path | None = None
    detached: bool = False  # own session: outlives the Python process (`nets chain up`)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    # Without a log_path the output goes to an unnamed temporary file, closed (and so gone)
    # on stop: nothing is left behind in /tmp and no descriptor outlives the node.
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 30.0) -> Anvil:
        if self.port == 0:
            self.port = free_port()
        command = [
            str(anvil_path()),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--chain-id", str(self.chain_id),
            "--mnemonic", DEFAULT_MNEMONIC,
            "--code-size-limit", "24576",
            "--gas-limit", "100000000",
            "--hardfork", "prague",
        ]  # fmt: skip
        if self.timestamp is not None:
            command += ["--timestamp", str(self.timestamp)]
        if self.block_time:  # a block every block_time seconds; transactions still mine at once
            command += ["--block-time", str(self.block_time), "--mixed-mining"]
        if self.state_file is not None:
            command += ["--state", str(self.state_file)]
            if self.state_interval is not None:
                command += ["--state-interval", f"{self.state_interval:g}"]
        if self.log_path is None:
            self._log = log = tempfile.TemporaryFile(prefix="anvil-", suffix=".log")  # noqa: SIM115
        else:
            log = self.log_path.open("wb")
        try:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=self.detached
            )
        except OSError:
            self._close_log()
            raise
        finally:
            if log is not self._log:
                log.close()  # the child holds its own copy of the descriptor
        self._wait_ready(ready_timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                reason = f"anvil exited with {self.process.returncode}: {self.logs()[-500:]}"
                self.stop()
                raise AnvilError(reason)
            try:
                rpc_call(self.url, "eth_chainId", timeout=1.0)
                return
            except (OSError, urllib.error.URLError, AnvilError):
                time.sleep(0.05)
        self.stop()
        raise AnvilError(f"anvil did not answer on {self.url} within {timeout:.0f}s")

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def rpc(self, method: str, *params: object) -> object:
        return rpc_call(self.url, method, list(params))

    def increase_time(self, seconds: int) -> None:
        """Advance chain time and mine one block that carries it."""
        self.rpc("evm_increaseTime", seconds)
        self.mine()

    def set_next_block_timestamp(self, timestamp: int) -> None:
        self.rpc("evm_setNextBlockTimestamp", timestamp)

    def mine(self, blocks: int = 1) -> None:
        self.rpc("anvil_mine", hex(blocks))

    def snapshot(self) -> str:
        return str(self.rpc("evm_snapshot"))

    def revert(self, snapshot_id: str) -> bool:
        """Back to ``snapshot_id`` (which is consumed)."""
        return bool(self.rpc("evm_revert", snapshot_id))

    def logs(self) -> str:
        if self._log is not None:
            self._log.seek(0)
            return self._log.read().decode(errors="replace")
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        self._close_log()

    def __enter__(self) -> Anvil:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
