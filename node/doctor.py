"""Checks that a machine can run a node: Python, dependencies, wasmtime, EVM toolchain, database.

Each check returns a `Check`; none raises, so one broken piece never hides the others.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

from adapters.toolchain import ToolNotFound, anvil_path, forge_path, solc_path, tool_version
from node.health import Check

MIN_PYTHON = (3, 11)
SETUP_HINT = "run `make setup`"


def check_python() -> Check:
    current = sys.version_info[:3]
    ok = current >= MIN_PYTHON
    return Check(
        "python",
        ok,
        ".".join(map(str, current)),
        "" if ok else f"install Python >= {'.'.join(map(str, MIN_PYTHON))}",
    )


def check_dependencies() -> list[Check]:
    """Every runtime requirement of nets-node is installed at a version inside its range."""
    try:
        declared = requires("nets-node") or []
    except PackageNotFoundError:
        return [Check("package nets-node", False, "not installed", SETUP_HINT)]
    checks = []
    for line in declared:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        try:
            found = version(req.name)
        except PackageNotFoundError:
            checks.append(Check(f"dependency {req.name}", False, "missing", SETUP_HINT))
            continue
        ok = req.specifier.contains(found, prereleases=True)
        detail = found if ok else f"{found} not in {req.specifier}"
        checks.append(Check(f"dependency {req.name}", ok, detail, "" if ok else SETUP_HINT))
    return checks


def check_wasmtime_fuel() -> Check:
    """wasmtime runs a module with fuel metering and reports consumption."""
    try:
        import wasmtime

        config = wasmtime.Config()
        config.consume_fuel = True
        engine = wasmtime.Engine(config)
        module = wasmtime.Module(
            engine, '(module (func (export "f") (result i32) i32.const 2 i32.const 3 i32.add))'
        )
        store = wasmtime.Store(engine)
        store.set_fuel(1_000)
        instance = wasmtime.Instance(store, module, [])
        func = instance.exports(store)["f"]
        assert isinstance(func, wasmtime.Func)
        result = func(store)
        used = 1_000 - store.get_fuel()
    except Exception as exc:
        return Check("wasmtime fuel", False, f"{type(exc).__name__}: {exc}", SETUP_HINT)
    ok = result == 5 and used > 0
    return Check("wasmtime fuel", ok, f"wasmtime {version('wasmtime')}, {used} fuel for 3 ops", "")


NATIVE_PROBE = """(module (memory 1) (func (export "decide") (param i64) (result i64)
  local.get 0 i64.const 3 i64.rem_u))"""


def check_native_engine() -> Check:
    """The native match engine (node.native) is built and plays a match like the reference."""
    from node.match import run_match
    from node.native import unavailable
    from node.systems.base import load_system
    from node.wasm import AgentProgram

    fix = "install gcc and run `make setup` (matches run on the slower reference path meanwhile)"
    reason = unavailable()
    if reason is not None:
        return Check("native engine", False, reason, fix)
    try:
        import wasmtime

        system = load_system("snake")
        program = AgentProgram.load(wasmtime.wat2wasm(NATIVE_PROBE))
        params = system.encode_params({"width": 6, "height": 6, "max_steps": 20})
        fast = run_match(system, program, bytes(32), params, 100)
        reference = run_match(system, program, bytes(32), params, 100, engine="reference")
    except Exception as exc:
        return Check("native engine", False, f"{type(exc).__name__}: {exc}", fix)
    ok = fast.engine == "fast" and (fast.trace_root, fast.score) == (
        reference.trace_root,
        reference.score,
    )
    detail = "plays matches in C" if ok else f"{fast.engine} path, roots differ"
    return Check("native engine", ok, detail, "" if ok else fix)


def check_tool(name: str, locate: Callable[[], object]) -> Check:
    try:
        path = locate()
        detail = f"{tool_version(path)} ({path})"  # type: ignore[arg-type]
    except ToolNotFound as exc:
        return Check(name, False, str(exc), SETUP_HINT)
    return Check(name, True, detail)


def check_solc_compiles() -> Check:
    """The configured solc (native or the solcjs shim) compiles a trivial contract."""
    from adapters.build import CompileError, compile_standard_json

    source = (
        "// SPDX-License-Identifier: MIT\npragma solidity 0.8.30; contract Probe { uint256 x; }"
    )
    try:
        output = compile_standard_json({"Probe.sol": source})
    except (CompileError, ToolNotFound, OSError) as exc:
        return Check("solc compiles", False, str(exc).splitlines()[0], SETUP_HINT)
    except Exception as exc:
        return Check("solc compiles", False, f"{type(exc).__name__}: {exc}", SETUP_HINT)
    ok = "Probe" in output.get("contracts", {}).get("Probe.sol", {})
    return Check("solc compiles", ok, "trivial contract compiled" if ok else "no bytecode", "")


def check_database(url: str) -> Check:
    """The database at ``url`` accepts a write (inside a transaction that is rolled back)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import create_engine

    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            transaction = conn.begin()
            conn.execute(text("CREATE TABLE IF NOT EXISTS nets_doctor_probe (x INTEGER)"))
            conn.execute(text("INSERT INTO nets_doctor_probe (x) VALUES (1)"))
            transaction.rollback()
        engine.dispose()
    except (SQLAlchemyError, OSError, ValueError, ImportError) as exc:
        reason = str(exc).splitlines()[0]
        return Check(
            "database",
            False,
            f"{url}: {reason}",
            "pass --db URL or set NETS_DB to a writable database",
        )
    return Check("database", True, f"{url} writable")


def run_checks(db_url: str) -> list[Check]:
    """All doctor checks, in the order they are printed."""
    from node.agents.toolchains import language_checks
    from node.sim.health import sim_checks

    return [
        check_python(),
        *check_dependencies(),
        check_wasmtime_fuel(),
        check_native_engine(),
        check_tool("anvil", anvil_path),
        check_tool("forge", forge_path),
        check_tool("solc", solc_path),
        check_solc_compiles(),
        check_database(db_url),
        *sim_checks(),
        *language_checks(),
    ]
