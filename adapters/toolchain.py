"""Where the EVM toolchain lives: anvil, forge and solc, pinned by the project's package.json.

Lookup order for each tool: an explicit environment variable, the project's node_modules,
then PATH. For solc, a native compiler (SOLC_BINARY, or one installed by
``solcx.install_solc``) takes precedence over the solcjs shim in scripts/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NPM_BIN = PROJECT_ROOT / "node_modules" / ".bin"
SOLC_SHIM = PROJECT_ROOT / "scripts" / "solc"
PINNED_SOLC = "0.8.30"


class ToolNotFound(RuntimeError):
    """A toolchain binary is missing; the message says how to get it."""


@dataclass(frozen=True)
class Tool:
    name: str
    path: Path
    version: str


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_tool(name: str, env_var: str) -> Path:
    """Path of ``name`` (anvil, forge): $ENV_VAR, then the platform binary npm installed,
    then node_modules/.bin, then PATH. The binary itself rather than npm's .bin launcher (a
    node process that runs it as a child), so the pid we record is the chain's own: a kill -9
    of it stops the chain instead of orphaning it."""
    explicit = os.environ.get(env_var)
    if explicit:
        if _executable(Path(explicit)):
            return Path(explicit)
        raise ToolNotFound(f"{env_var}={explicit} is not an executable file")
    for binary in sorted(NPM_BIN.parent.glob(f"@foundry-rs/{name}-*/bin/{name}")):
        if _executable(binary):
            return binary
    local = NPM_BIN / name
    if _executable(local):
        return local
    found = shutil.which(name)
    if found:
        return Path(found)
    raise ToolNotFound(f"{name} not found: run `make setup` (npm ci installs @foundry-rs/{name})")


def anvil_path() -> Path:
    return find_tool("anvil", "ANVIL_BINARY")


def forge_path() -> Path:
    return find_tool("forge", "FORGE_BINARY")


def solc_path() -> Path:
    """The solc to compile with: SOLC_BINARY, a solcx-installed native solc, else the shim."""
    explicit = os.environ.get("SOLC_BINARY")
    if explicit:
        if _executable(Path(explicit)):
            return Path(explicit)
        raise ToolNotFound(f"SOLC_BINARY={explicit} is not an executable file")
    from solcx.install import get_executable, get_installed_solc_versions

    if any(str(v) == PINNED_SOLC for v in get_installed_solc_versions()):
        return Path(get_executable(PINNED_SOLC))
    if not (NPM_BIN.parent / "solc").is_dir():
        raise ToolNotFound("solcjs not installed: run `make setup` (npm ci installs solc)")
    return SOLC_SHIM


def tool_version(path: Path) -> str:
    """First meaningful line of ``path --version`` (raises ToolNotFound if it fails)."""
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ToolNotFound(f"{path} --version failed: {exc}") from exc
    for line in out.splitlines():
        if "Version:" in line:
            return line.split("Version:", 1)[1].strip()
    return out.strip().splitlines()[0] if out.strip() else "unknown"
