"""Raw sandbox throughput: host->wasm decisions per second with fresh-instance semantics.

    .venv/bin/python scripts/bench_wasm.py [--seconds 3] [--hostile]

Measures `AgentProgram.decide` (fresh-instance semantics: the live instance restored per
decision, fuel metering, outcome classification) for a trivial ABI v0 agent and a trivial
ABI v1 agent, plus a v0 agent that runs a 1,000-iteration loop, and the reference
interpreter on the trivial v0 agent. ``--hostile`` instead times load plus one decision of
every hostile agent (scenarios/agents/hostile and its generator), which the tests check
only for the outcome.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import platform
import time
from collections.abc import Callable
from pathlib import Path

import wasmtime

from node.wasm import AgentProgram, load_agent_file

HOSTILE = Path(__file__).resolve().parents[1] / "scenarios" / "agents" / "hostile"

TRIVIAL_V0 = (
    '(module (func (export "decide") (param i64) (result i64) local.get 0 i64.const 1 i64.add))'
)
TRIVIAL_V1 = """(module (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) i32.const 0)
  (func (export "decide") (param i32) (result i64) i32.const 0 i64.load8_u))"""
LOOP_V0 = """(module (func (export "decide") (param i64) (result i64) (local i32)
  i32.const 1000 local.set 1
  loop local.get 1 i32.const 1 i32.sub local.tee 1 br_if 0 end
  local.get 0))"""


def rate(call: Callable[[], object], seconds: float) -> tuple[float, int]:
    """Calls per second over at least ``seconds`` (after a short warm-up)."""
    for _ in range(50):
        call()
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            call()
        count += 100
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start), count


def hostile_agents() -> dict[str, bytes]:
    """Every hostile agent's module: the files, then the generator's."""
    agents = {
        path.name: load_agent_file(path)
        for path in sorted(HOSTILE.iterdir())
        if path.suffix in (".wat", ".wasm")
    }
    spec = importlib.util.spec_from_file_location("hostile_generate", HOSTILE / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    agents |= {name: make() for name, make in module.GENERATED.items()}
    return agents


def hostile() -> None:
    """Milliseconds to load each hostile agent and run one decision (10,000 fuel)."""
    for name, code in hostile_agents().items():
        start = time.perf_counter()
        program = AgentProgram.load(code)
        decision = program.decide(b"hello" if program.abi == 1 else bytes(8), 10_000)
        elapsed = time.perf_counter() - start
        print(f"{name:<32} {decision.outcome.name:<16} {elapsed * 1000:>8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox decisions per second.")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--hostile", action="store_true", help="time the hostile agents")
    args = parser.parse_args()
    if args.hostile:
        hostile()
        return
    v0 = AgentProgram.load(wasmtime.wat2wasm(TRIVIAL_V0))
    v1 = AgentProgram.load(wasmtime.wat2wasm(TRIVIAL_V1))
    loop = AgentProgram.load(wasmtime.wat2wasm(LOOP_V0))
    obs8 = (7).to_bytes(8, "big")
    obs64 = bytes(range(64))
    cases: list[tuple[str, Callable[[], object]]] = [
        ("v0 trivial (wasmtime)", lambda: v0.decide(obs8, 10_000)),
        ("v1 trivial, 64-byte observation (wasmtime)", lambda: v1.decide(obs64, 10_000)),
        ("v0 1,000-iteration loop, 5,004 fuel (wasmtime)", lambda: loop.decide(obs8, 10_000)),
        ("v0 trivial (reference interpreter)", lambda: v0.reference(obs8, 10_000)),
        ("v0 1,000-iteration loop (reference interpreter)", lambda: loop.reference(obs8, 10_000)),
    ]
    version = importlib.metadata.version("wasmtime")
    print(f"python {platform.python_version()}, wasmtime {version}, {platform.machine()}")
    for name, call in cases:
        per_second, count = rate(call, args.seconds)
        print(f"{name:<52} {per_second:>10,.0f} decisions/s  ({count} calls)")


if __name__ == "__main__":
    main()
