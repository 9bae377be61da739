"""`nets agent build`: compile an agent project (or one source file) into a profile-v1 module.

A project is a folder with `nets-agent.toml` (written by `nets agent new`): its name,
language, system and ABI; a cargo project without it builds too (no outside crates). A single `.rs`, `.c`, `.ts` or `.wat` file builds too, its language
taken from the suffix. The flags below are the only ones added to each compiler's defaults;
they give the module the profile's fixed 2-page memory (docs/protocol/agents.md).
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from node.agents.hints import FIXES, MEMORY_FLAGS, fix_for
from node.agents.toolchains import WASM_TARGET, ToolchainMissing, toolchain
from node.wasm import AgentFileError, AgentProgram, load_agent_file

MANIFEST = "nets-agent.toml"
BUILD_DIR = "build"
SUFFIXES = {".rs": "rust", ".c": "c", ".ts": "assemblyscript", ".wat": "wat"}
SOURCES = {
    "rust": "src/lib.rs",
    "c": "agent.c",
    "assemblyscript": "assembly/index.ts",
    "wat": "agent.wat",
}
SYSTEMS = ("snake", "rps", "connect4", "predict")
RUST_OPT = "opt-level=3"
"""Not "s": inlining and unrolling cut fuel per decision by about half against opt-level=s
(docs/benchmarks/wasm.md), and fuel, not module size, is what binds an agent."""
RUST_FLAGS = (
    "--edition", "2021", "--target", WASM_TARGET, "--crate-type", "cdylib",
    "-C", RUST_OPT, "-C", "panic=abort", "-C", "strip=debuginfo",
    *MEMORY_FLAGS["rust"].split(),
)  # fmt: skip
C_FLAGS = (
    "--target=wasm32", "-O2", "-nostdlib", "-ffreestanding", "-Wl,--no-entry",
    "-Wl,--export-if-defined=decide", "-Wl,--export-if-defined=obs_ptr",
    *MEMORY_FLAGS["c"].split(),
)  # fmt: skip
ASC_FLAGS = (
    "-O3", "--runtime", "stub", *MEMORY_FLAGS["assemblyscript"].split(), "--noAssert",
    "--use", "abort=", "--disable", "bulk-memory",
)  # fmt: skip
ASC_NODE_FLAGS = ("--", "--liftoff-only")
"""Node.js flags for asc's own run (asc passes what follows ``--`` to Node.js). asc runs
binaryen, a large wasm module, for about a second: V8's optimizing tier recompiled it in the
background for longer than the compile took. Baseline code alone makes the same bytes with
0.57 of the CPU (docs/benchmarks/wasm.md)."""
COMPILE_TIMEOUT = 300


class BuildError(Exception):
    """The agent did not build or is outside the profile; str() is one line with the fix."""


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    lang: str
    source: Path
    system: str | None = None
    abi: int | None = None

    @property
    def output(self) -> Path:
        return self.root / BUILD_DIR / f"{self.name}.wasm"


@dataclass(frozen=True)
class Built:
    project: Project
    wasm: Path
    program: AgentProgram


def _manifest(root: Path) -> Project:
    path = root / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"{path}: {exc}") from None
    name, lang = data.get("name"), data.get("lang")
    system, abi = data.get("system"), data.get("abi")
    if not isinstance(name, str) or not (name.isascii() and name.isidentifier()):
        raise BuildError(f"{path}: name must be an ASCII identifier")
    if not isinstance(lang, str) or lang not in SOURCES:
        raise BuildError(f"{path}: lang must be one of {', '.join(SOURCES)}")
    if system is not None and (not isinstance(system, str) or system not in SYSTEMS):
        raise BuildError(f"{path}: system must be one of {', '.join(SYSTEMS)}")
    if abi is not None and (isinstance(abi, bool) or abi not in (0, 1)):
        raise BuildError(f"{path}: abi must be 0 or 1")
    return Project(root, name, lang, root / SOURCES[lang], system, abi)


def _cargo(root: Path) -> Project:
    """A cargo project without nets-agent.toml: its crate, which must need no outside crate
    (rustc builds the library's root file directly)."""
    path = root / "Cargo.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"{path}: {exc}") from None
    package, lib = data.get("package"), data.get("lib", {})
    name = package.get("name") if isinstance(package, dict) else None
    if not isinstance(name, str) or not isinstance(lib, dict):
        raise BuildError(f"{path}: needs [package] name")
    if data.get("dependencies") or data.get("build-dependencies"):
        raise BuildError(f"{path}: outside crates are not supported: an agent is one no_std crate")
    source = lib.get("path", "src/lib.rs")
    crate = name.replace("-", "_")
    if not isinstance(source, str) or not (crate.isascii() and crate.isidentifier()):
        raise BuildError(f"{path}: bad [package] name or [lib] path")
    return Project(root, crate, "rust", root / source)


def load_project(path: str | Path) -> Project:
    """The project at ``path``: a folder with nets-agent.toml (or a cargo project), or a single
    source file."""
    path = Path(path).resolve()
    if path.is_dir():
        if not (path / MANIFEST).is_file() and (path / "Cargo.toml").is_file():
            return _cargo(path)
        if not (path / MANIFEST).is_file():
            raise BuildError(f"{path}: no {MANIFEST} (create a project with `nets agent new`)")
        return _manifest(path)
    lang = SUFFIXES.get(path.suffix.lower())
    if lang is None:
        raise BuildError(f"{path}: not a project folder nor a {', '.join(SUFFIXES)} file")
    if not path.is_file():
        raise BuildError(
            f"{path}: not a regular file" if path.exists() else f"{path}: no such file"
        )
    return Project(path.parent, path.stem, lang, path)


def _run(argv: list[str], cwd: Path, lang: str) -> None:
    try:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=COMPILE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"{lang}: compiler still running after {COMPILE_TIMEOUT} s") from None
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip()).splitlines()
        first = next((line for line in output if "error" in line.lower()), None)
        line = first or (output or ["no output"])[0]
        # An undefined function is what the linker makes of a host import: say how to avoid it.
        hint = f"; fix: {FIXES['imports'][lang]}" if "undefined symbol" in line else ""
        raise BuildError(f"{lang}: compile failed: {line}{hint}")


def compile_command(project: Project, output: Path) -> list[str]:
    """The compiler command line for the project (its tools located first)."""
    tools = toolchain(project.lang).tools
    src = str(project.source)
    if project.lang == "rust":
        return [str(tools["rustc"]), *RUST_FLAGS, src, "-o", str(output)]
    if project.lang == "c":
        return [str(tools["clang"]), *C_FLAGS, f"-I{project.source.parent}", src, "-o", str(output)]
    if project.lang == "assemblyscript":
        return [str(tools["asc"]), src, *ASC_FLAGS, "-o", str(output), *ASC_NODE_FLAGS]
    raise ValueError(f"no compiler command for {project.lang}")


def build(path: str | Path) -> Built:
    """Compile and check the agent at ``path``; BuildError (one line, with the fix) otherwise."""
    project = load_project(path)
    output = project.output
    output.parent.mkdir(parents=True, exist_ok=True)
    if project.lang == "wat":
        try:
            output.write_bytes(load_agent_file(project.source))
        except AgentFileError as exc:
            raise BuildError(str(exc)) from None
    else:
        try:
            argv = compile_command(project, output)
        except ToolchainMissing as exc:
            raise BuildError(str(exc)) from None
        output.unlink(missing_ok=True)
        _run(argv, project.root, project.lang)
    return Built(project, output, check(project, output.read_bytes()))


def check(project: Project, code: bytes) -> AgentProgram:
    """The program, or BuildError naming the profile rule it breaks and how to avoid it."""
    program = AgentProgram.load(code)
    reason = program.invalid_reason
    if reason is not None:
        fix = fix_for(reason, project.lang)
        hint = f"; fix: {fix}" if fix else ""
        raise BuildError(f"{project.name}: outside agent profile v1: {reason}{hint}")
    if project.abi is not None and program.abi != project.abi:
        raise BuildError(
            f"{project.name}: built with ABI v{program.abi} but {MANIFEST} says v{project.abi}; "
            f"fix: {fix_for('no ABI', project.lang)}"
        )
    return program
