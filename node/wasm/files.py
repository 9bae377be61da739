"""Reading agent files: .wat is assembled with wasmtime.wat2wasm, anything else is raw wasm."""

from __future__ import annotations

from pathlib import Path

import wasmtime


class AgentFileError(Exception):
    """The agent file cannot be read or assembled; the message says which and why."""


def load_agent_file(path: str | Path) -> bytes:
    """The module bytes of an agent file (.wat assembled, .wasm or other read as is)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AgentFileError(f"cannot read agent file {path}: {exc.strerror or exc}") from None
    if path.suffix.lower() != ".wat":
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AgentFileError(f"agent file {path} is not UTF-8 text") from None
    try:
        return bytes(wasmtime.wat2wasm(text))
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or ["invalid WAT"])[0]
        raise AgentFileError(f"agent file {path}: bad WAT: {first_line}") from None
