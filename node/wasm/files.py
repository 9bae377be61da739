"""Reading agent files: .wat is assembled with wasmtime.wat2wasm, anything else is raw wasm."""

from __future__ import annotations

from pathlib import Path

import wasmtime

MAX_AGENT_FILE_BYTES = 16 << 20
"""Far above any agent (a module is at most 64 KiB, its text a few times that); reading stops
here, so /dev/zero or a huge file is refused instead of filling memory."""


class AgentFileError(Exception):
    """The agent file cannot be read or assembled; the message says which and why."""


def load_agent_file(path: str | Path) -> bytes:
    """The module bytes of an agent file (.wat assembled, .wasm or other read as is)."""
    path = Path(path)
    if path.is_fifo():  # opening a pipe no one writes to would wait forever
        raise AgentFileError(f"agent file {path} is a named pipe, not a file")
    try:
        with path.open("rb") as source:
            raw = source.read(MAX_AGENT_FILE_BYTES + 1)
    except OSError as exc:
        raise AgentFileError(f"cannot read agent file {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_AGENT_FILE_BYTES:
        raise AgentFileError(f"agent file {path} is larger than {MAX_AGENT_FILE_BYTES} bytes")
    if path.suffix.lower() != ".wat":
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AgentFileError(f"agent file {path} is not UTF-8 text") from None
    return assemble_wat(text, f"agent file {path}")


def assemble_wat(text: str, source: str = "WAT text") -> bytes:
    """The module WAT ``text`` assembles to; AgentFileError '<source>: bad WAT: <first line>'."""
    try:
        return bytes(wasmtime.wat2wasm(text))
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or ["invalid WAT"])[0]
        raise AgentFileError(f"{source}: bad WAT: {first_line}") from None
