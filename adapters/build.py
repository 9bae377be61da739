"""Compile Solidity through py-solc-x with the project's solc (native if present, else the shim)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from adapters.toolchain import PROJECT_ROOT, solc_path

CONTRACTS_DIR = PROJECT_ROOT / "contracts" / "src"
CACHE_DIR = PROJECT_ROOT / "out" / "py-artifacts"


class CompileError(RuntimeError):
    """solc reported errors; the message carries solc's formatted diagnostics."""


@dataclass(frozen=True)
class Artifact:
    name: str
    abi: list[dict[str, Any]]
    bytecode: bytes
    deployed_size: int


def compile_standard_json(sources: dict[str, str], *, optimize_runs: int = 200) -> dict[str, Any]:
    """Run solc --standard-json over in-memory ``sources`` (path -> content)."""
    request = {
        "language": "Solidity",
        "sources": {path: {"content": content} for path, content in sorted(sources.items())},
        "settings": {
            "optimizer": {"enabled": True, "runs": optimize_runs},
            "evmVersion": "cancun",
            "outputSelection": {
                "*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
            },
        },
    }
    try:
        output: dict[str, Any] = solcx.compile_standard(
            request, solc_binary=solc_path(), allow_paths=[str(PROJECT_ROOT)]
        )
    except SolcError as exc:
        # py-solc-x raises on any error-severity diagnostic; keep only solc's own messages.
        raise CompileError(_diagnostics(exc.stdout_data) or str(exc)) from None
    diagnostics = _diagnostics(output)
    if diagnostics:
        raise CompileError(diagnostics)
    return output


def _diagnostics(output: dict[str, Any] | str | None) -> str:
    """solc's formatted error-severity messages, joined; empty when there are none."""
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            return output
    if not isinstance(output, dict):
        return ""
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    return "\n".join(e.get("formattedMessage", e.get("message", "")) for e in errors)


def compile_contracts(sources: dict[str, str]) -> dict[str, Artifact]:
    """Artifacts by contract name, cached on disk by a hash of the sources."""
    key = hashlib.sha256(json.dumps(sorted(sources.items())).encode()).hexdigest()[:32]
    cached = CACHE_DIR / f"{key}.json"
    if cached.exists():
        output = json.loads(cached.read_text())
    else:
        output = compile_standard_json(sources)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(output))
    artifacts: dict[str, Artifact] = {}
    for contracts in output.get("contracts", {}).values():
        for name, data in contracts.items():
            artifacts[name] = Artifact(
                name=name,
                abi=data["abi"],
                bytecode=bytes.fromhex(data["evm"]["bytecode"]["object"]),
                deployed_size=len(data["evm"]["deployedBytecode"]["object"]) // 2,
            )
    return artifacts


def load_sources(directory: Path = CONTRACTS_DIR, root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Every .sol file below ``directory``, keyed by its path relative to ``root``."""
    return {
        str(path.relative_to(root)): path.read_text() for path in sorted(directory.rglob("*.sol"))
    }
