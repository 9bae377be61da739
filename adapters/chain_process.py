"""The background devnet of `nets chain up`: start anvil detached, remember it, stop it.

State lives in $NETS_HOME/chain.json (default ./.nets/chain.json). A recorded pid is only
signalled while /proc says it is still an anvil serving the recorded port, so a recycled
pid is never killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, TypeAdapter, ValidationError

from adapters.anvil import Anvil
from adapters.deployments import nets_home

STATE_NAME = "chain.json"


@dataclass(frozen=True)
class ChainProcess:
    pid: Annotated[int, Field(gt=1)]
    port: Annotated[int, Field(gt=0, lt=65536)]
    url: str
    chain_id: int
    log_path: str
    state_file: str | None
    started_at: float
    block_time: float | None = None
    """Seconds between the blocks mined by time alone (None: only transactions mine)."""


_STATE = TypeAdapter(ChainProcess)


def state_path(home: Path | None = None) -> Path:
    return (home or nets_home()) / STATE_NAME


def read_state(home: Path | None = None) -> ChainProcess | None:
    """The recorded process, or None when nothing (readable) is recorded."""
    try:
        return _STATE.validate_json(state_path(home).read_bytes())
    except (OSError, ValidationError):
        return None


def write_state(process: ChainProcess, home: Path | None = None) -> None:
    path = state_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(process), indent=2) + "\n")


def clear_state(home: Path | None = None) -> None:
    state_path(home).unlink(missing_ok=True)


def port_in_use(port: int) -> bool:
    """Something listens on ``port`` (connections a killed chain left in TIME_WAIT do not
    count: anvil binds with SO_REUSEADDR too, so it restarts on its old port at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def is_running(process: ChainProcess) -> bool:
    """True while the pid is a live (not zombie) anvil started for this port."""
    _reap(process.pid)
    try:
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        status = Path(f"/proc/{process.pid}/stat").read_text()
    except OSError:
        return False
    if status.rsplit(")", 1)[-1].split()[0] in ("Z", "X"):
        return False
    return (
        any(part.endswith(b"anvil") for part in cmdline) and str(process.port).encode() in cmdline
    )


def _reap(pid: int) -> None:
    """Collect our own exited child so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def start(
    port: int = 0,
    state_file: Path | None = None,
    home: Path | None = None,
    *,
    state_interval: float | None = None,
    block_time: float | None = None,
) -> ChainProcess:
    """Start anvil in its own session and record it; AnvilError if it does not come up.
    With ``state_file``, anvil saves its state there every ``state_interval`` seconds too.
    ``block_time``: mine a block every that many seconds as well as one per transaction, so
    deadlines pass while nobody sends anything."""
    home = home or nets_home()
    home.mkdir(parents=True, exist_ok=True)
    node = Anvil(
        port=port,
        state_file=state_file,
        state_interval=state_interval,
        block_time=block_time or None,
        log_path=home / "anvil.log",
        detached=True,
    ).start()
    assert node.pid is not None
    assert node.log_path is not None
    process = ChainProcess(
        pid=node.pid,
        port=node.port,
        url=node.url,
        chain_id=node.chain_id,
        log_path=str(node.log_path),
        state_file=str(state_file) if state_file else None,
        started_at=time.time(),
        block_time=block_time or None,
    )
    node.process = None  # detached: this Python process no longer owns it
    write_state(process, home)
    return process


def stop(process: ChainProcess, timeout: float = 10.0) -> bool:
    """SIGTERM (anvil dumps --state on it), SIGKILL after ``timeout``; False if not running."""
    if not is_running(process):
        return False
    os.kill(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(process):
            return True
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGKILL)
    while is_running(process):
        time.sleep(0.05)
    return True
