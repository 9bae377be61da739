"""Where each agent language's compiler lives, and what to install when it is missing.

Rust and C use Debian's packages (`make toolchains` installs the missing ones), AssemblyScript
the `assemblyscript` npm package pinned in package-lock.json, WAT the wasmtime wheel.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from adapters.toolchain import NPM_BIN
from node.health import Check

WASM_TARGET = "wasm32-unknown-unknown"
PACKAGES = {
    "rust": ("rustc", "libstd-rust-dev-wasm32"),
    "c": ("clang", "lld"),
}
DEBIAN_RUSTC = Path("/usr/bin/rustc")
"""Preferred over a rustc earlier on PATH (rustup's, say) that may lack the wasm32 std."""


class ToolchainMissing(RuntimeError):
    """A language's compiler is not installed; the one-line message names the package."""


@dataclass(frozen=True)
class Toolchain:
    """A language's compiler. Its version is asked of the compiler when first read (`nets
    doctor` prints it): a build needs only the paths, and asking asc costs 1.8 CPU-s of
    Node.js loading AssemblyScript and binaryen."""

    lang: str
    tools: dict[str, Path]
    version_of: Callable[[], str] = field(repr=False, compare=False)

    @functools.cached_property
    def version(self) -> str:
        return self.version_of()


def _install_hint(lang: str) -> str:
    if lang == "assemblyscript":
        return "run `make setup` (npm ci installs the pinned assemblyscript package)"
    packages = " ".join(PACKAGES[lang])
    return f"install the Debian packages {packages} (`make toolchains` does it)"


def _first_line(*argv: str) -> Callable[[], str]:
    """What ``argv`` prints first, asked when called."""
    return functools.partial(_run_first_line, list(argv))


def _run_first_line(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return (done.stdout.strip() or done.stderr.strip() or "unknown").splitlines()[0]


def _has_wasm_std(rustc: Path) -> bool:
    try:
        done = subprocess.run(
            [str(rustc), "--print", "sysroot"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    sysroot = Path(done.stdout.strip())
    return done.returncode == 0 and (sysroot / "lib" / "rustlib" / WASM_TARGET / "lib").is_dir()


def _rust() -> Toolchain:
    candidates = [Path(p) for p in (os.environ.get("NETS_RUSTC"), str(DEBIAN_RUSTC)) if p]
    on_path = shutil.which("rustc")
    candidates += [Path(on_path)] if on_path else []
    for rustc in candidates:
        if rustc.is_file() and _has_wasm_std(rustc):
            return Toolchain("rust", {"rustc": rustc}, _first_line(str(rustc), "--version"))
    raise ToolchainMissing(f"rust: no rustc with the {WASM_TARGET} standard library: "
                           f"{_install_hint('rust')}")  # fmt: skip


def _c() -> Toolchain:
    clang = shutil.which(os.environ.get("NETS_CLANG", "clang"))
    linker = shutil.which("wasm-ld")
    if clang is None or linker is None:
        missing = "clang" if clang is None else "wasm-ld"
        raise ToolchainMissing(f"c: {missing} not found: {_install_hint('c')}")
    tools = {"clang": Path(clang), "wasm-ld": Path(linker)}
    return Toolchain("c", tools, _first_line(clang, "--version"))


def _assemblyscript() -> Toolchain:
    asc = NPM_BIN / "asc"
    if not asc.is_file():
        raise ToolchainMissing(
            f"assemblyscript: {asc} not found: {_install_hint('assemblyscript')}"
        )
    return Toolchain("assemblyscript", {"asc": asc}, _first_line(str(asc), "--version"))


def _wat() -> Toolchain:
    from importlib.metadata import version

    return Toolchain("wat", {}, lambda: f"wasmtime {version('wasmtime')} wat2wasm")


FINDERS = {"rust": _rust, "c": _c, "assemblyscript": _assemblyscript, "wat": _wat}


def toolchain(lang: str) -> Toolchain:
    """The compiler of ``lang``; ToolchainMissing (one line naming the package) otherwise."""
    return FINDERS[lang]()


def language_checks() -> list[Check]:
    """One `nets doctor` line per agent language; optional: a node runs without them."""
    checks = []
    for lang in FINDERS:
        try:
            found = toolchain(lang)
        except ToolchainMissing as exc:
            checks.append(Check(f"agent language {lang}", False, str(exc), _install_hint(lang),
                                required=False))  # fmt: skip
            continue
        where = ", ".join(str(path) for path in found.tools.values())
        detail = found.version + (f" ({where})" if where else "")
        checks.append(Check(f"agent language {lang}", True, detail, required=False))
    return checks
