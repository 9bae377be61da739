"""Compile Solidity through py-solc-x with the project's solc (native if present, else the shim).

Any set of files from the project's contract tree is served from one compile of the whole
tree, cached on disk by the tree's source hash: solcjs pays its start-up and the shared
imports once per tree, not once per subset a caller asks for. A contract's bytecode does not
depend on which other files share its compile (its metadata names only its own imports), so
the artifacts are the ones a compile of the subset alone would give.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import solcx
from solcx.exceptions import SolcError

from adapters.toolchain import PROJECT_ROOT, solc_path

CONTRACTS_DIR = PROJECT_ROOT / "contracts" / "src"
TREE_DIRS = (CONTRACTS_DIR, PROJECT_ROOT / "contracts" / "test")
CACHE_DIR = PROJECT_ROOT / "out" / "py-artifacts"
IMPORT = re.compile(r"""^\s*import\s+(?:[^'";]*?\bfrom\s+)?["']([^"']+)["']""", re.MULTILINE)


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
    """Artifacts by contract name of ``sources`` and the files they import. Files of the
    contract tree come from the tree's one compile; anything else is compiled as given.
    Both are cached on disk by a hash of the sources."""
    tree = tree_sources()
    if sources and all(tree.get(path) == content for path, content in sources.items()):
        try:
            return _artifacts(_compiled(tree), import_closure(tree, sources))
        except CompileError:
            pass  # an error elsewhere in the tree must not block a subset that compiles
    return _artifacts(_compiled(sources), None)


def tree_sources() -> dict[str, str]:
    """The contract tree compiled as one unit: contracts/src and the Solidity helpers under
    contracts/test, without forge's own test files (``*.t.sol``), which only forge runs."""
    sources: dict[str, str] = {}
    for directory in TREE_DIRS:
        if directory.is_dir():
            sources |= load_sources(directory)
    return {path: text for path, text in sources.items() if not path.endswith(".t.sol")}


def import_closure(tree: dict[str, str], roots: dict[str, str]) -> set[str]:
    """``roots`` and every file of ``tree`` they import, directly or not."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        path = todo.pop()
        if path in seen or path not in tree:
            continue
        seen.add(path)
        for target in IMPORT.findall(tree[path]):
            if target.startswith("."):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            todo.append(target)
    return seen


def _compiled(sources: dict[str, str]) -> dict[str, Any]:
    """solc's standard-json output for ``sources``, from the disk cache when present. A lock
    makes parallel test workers wait for one compile instead of each running their own."""
    key = hashlib.sha256(json.dumps(sorted(sources.items())).encode()).hexdigest()[:32]
    cached = CACHE_DIR / f"{key}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    with _locked(CACHE_DIR / ".lock"):
        if cached.exists():  # another process compiled it while we waited
            return json.loads(cached.read_text())
        output = compile_standard_json(sources)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(output))
        partial.replace(cached)
    return output


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _artifacts(output: dict[str, Any], files: set[str] | None) -> dict[str, Artifact]:
    """Artifacts of the contracts in ``files`` (every file when None)."""
    artifacts: dict[str, Artifact] = {}
    for path, contracts in output.get("contracts", {}).items():
        if files is not None and path not in files:
            continue
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
