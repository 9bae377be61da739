"""Gas of the on-chain WASM interpreter: per executed instruction on the example agents'
real match decisions, and for 10,000- and 20,000-fuel decisions.

Plays each example agent (scenarios/agents/*/, hostile ones excluded) in its system for a
few decisions, then runs the same decisions on WasmInterpreter on a throwaway anvil.
"gas" is eth_estimateGas of `decide(code, observation, fuel)`: the whole transaction, with
the 21,000 base, calldata, validation/compilation and execution. Prints a markdown report.

    .venv/bin/python scripts/bench_interpreter.py
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import wasmtime  # noqa: E402

from adapters.anvil import Anvil  # noqa: E402
from node.onchain import OnchainInterpreter  # noqa: E402
from node.systems.base import load_system  # noqa: E402
from node.wasm import AgentProgram, load_agent_file  # noqa: E402

AGENTS = ROOT / "scenarios" / "agents"
DECISIONS_PER_AGENT = 8
FUEL = 10_000

HEAVY = """(module (memory 1)
  (func $mix (param $a i64) (param $b i64) (result i64)
    (i64.xor (i64.rotl (local.get $a) (i64.const 13)) (i64.mul (local.get $b) (i64.const 0x9e3779b97f4a7c15))))
  (func (export "decide") (param $x i64) (result i64) (local $i i32) (local $acc i64)
    (local.set $acc (local.get $x))
    (loop $l
      (i64.store (i32.and (i32.shl (local.get $i) (i32.const 3)) (i32.const 0xfff)) (local.get $acc))
      (local.set $acc (call $mix (local.get $acc)
        (i64.load (i32.and (i32.shl (i32.add (local.get $i) (i32.const 7)) (i32.const 3)) (i32.const 0xfff)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.wrap_i64 (local.get $x)))))
    (local.get $acc)))"""


LOOP = """(module (memory 1) (global $g (mut i32) (i32.const 3))
  (func $f (result i32) (i32.const 1))
  (func (export "decide") (param i64) (result i64) (local $i i32) (local $a i32) (local $b i64)
    (loop $l BODY (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.wrap_i64 (local.get 0)))))
    (i64.const 0)))"""
CLASSES = {
    "local.get; drop": "(drop (local.get $a))",
    "i32.const; local.set": "(local.set $a (i32.const 7))",
    "local.get; i32.const; i32.add; local.set": "(local.set $a (i32.add (local.get $a) (i32.const 3)))",
    "... i64.mul ...": "(local.set $b (i64.mul (local.get $b) (i64.const 3)))",
    "... i32.div_u ...": "(local.set $a (i32.div_u (local.get $a) (i32.const 3)))",
    "... i32.lt_s ...": "(local.set $a (i32.lt_s (local.get $a) (i32.const 3)))",
    "i32.const; i32.load; local.set": "(local.set $a (i32.load (i32.const 64)))",
    "i32.const; local.get; i64.store": "(i64.store (i32.const 64) (local.get $b))",
    "global.get; global.set": "(global.set $g (global.get $g))",
    "call (callee: i32.const; return); drop": "(drop (call $f))",
}


def _per_class(chain: OnchainInterpreter) -> list[tuple[str, float]]:
    """Marginal gas per fuel unit of loops whose body repeats one pattern 8 times."""
    out: list[tuple[str, float]] = []
    for name, pattern in CLASSES.items():
        code = bytes(wasmtime.wat2wasm(LOOP.replace("BODY", pattern * 8)))
        short, long = (chain.decide(code, n.to_bytes(8, "big"), 20_000) for n in (20, 120))
        out.append((name, (long.gas_used - short.gas_used) / (long.fuel_used - short.fuel_used)))
    return out


@dataclass
class Row:
    name: str
    decisions: int
    fuel: int
    gas: int
    inspect_gas: int


def _observations(path: Path, program: AgentProgram) -> list[bytes]:
    """Observations of the agent's own match, as its system produces them."""
    system = load_system(path.parent.name)
    params = system.encode_params(system.default_params())
    state = system.initial_state(b"\x07" * 32, params)
    abi = program.abi or 0
    out: list[bytes] = []
    while not system.is_done(state) and len(out) < DECISIONS_PER_AGENT:
        obs = system.observe(state, abi)
        out.append(obs)
        decision = program.decide(obs, FUEL)
        action = system.to_action(state, decision.value) if decision.outcome == 0 else None
        if action is None:
            break
        state = system.step(state, action)
    return out


def main() -> int:
    rows: list[Row] = []
    with Anvil() as node:
        chain = OnchainInterpreter.deploy(node.url)
        for path in sorted(AGENTS.glob("*/*.wat")):
            if path.parent.name == "hostile":
                continue
            code = load_agent_file(path)
            program = AgentProgram.load(code)
            if not program.valid:
                continue
            row = Row(str(path.relative_to(AGENTS)), 0, 0, 0, 0)
            row.inspect_gas = chain.contract.functions.inspect(code).estimate_gas()
            for obs in _observations(path, program):
                expected = program.decide(obs, FUEL)
                got = chain.decide(code, obs, FUEL)
                if (got.outcome, got.value, got.fuel_used) != (
                    expected.outcome,
                    expected.value,
                    expected.fuel_used,
                ):
                    print(f"MISMATCH {row.name}: {expected} != {got}")
                    return 1
                row.decisions += 1
                row.fuel += got.fuel_used
                row.gas += got.gas_used
            rows.append(row)
        heavy = bytes(wasmtime.wat2wasm(HEAVY))
        big = [
            (label, fuel, chain.decide(heavy, n.to_bytes(8, "big"), fuel))
            for label, fuel, n in (
                ("10,000-fuel decision, runs out of fuel", 10_000, 10**6),
                ("20,000-fuel decision, runs out of fuel", 20_000, 10**6),
                ("~10,000-fuel decision, ok", 10_000, 285),
            )
        ]
        classes = _per_class(chain)
    print("| agent | decisions | fuel/decision | gas/decision | gas/fuel | inspect gas |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r.name} | {r.decisions} | {r.fuel / r.decisions:.0f} | {r.gas / r.decisions:,.0f} |"
            f" {r.gas / max(r.fuel, 1):,.0f} | {r.inspect_gas:,} |"
        )
    fuel = sum(r.fuel for r in rows)
    gas = sum(r.gas for r in rows)
    decisions = sum(r.decisions for r in rows)
    base = sum(r.inspect_gas * r.decisions for r in rows)
    print(
        f"\nAll {decisions} decisions: {gas / fuel:,.0f} gas per executed instruction (fuel unit),"
    )
    print(f"{(gas - base) / fuel:,.0f} gas per instruction beyond the module's inspect cost.\n")
    print("| synthetic agent (loop: call, load, store, arithmetic) | fuel used | outcome | gas |")
    print("|---|---:|---|---:|")
    for label, _, d in big:
        print(f"| {label} | {d.fuel_used:,} | {d.outcome.name.lower()} | {d.gas_used:,} |")
    print("\n| loop body pattern (x8, plus the loop's own counter and br_if) | gas per fuel unit |")
    print("|---|---:|")
    for name, gas_per_fuel in classes:
        print(f"| {name} | {gas_per_fuel:,.0f} |")
    return 0


if __name__ == "__main__":
    argparse.ArgumentParser(
        description="Gas of the on-chain WASM interpreter on the example agents' decisions "
        "(starts and stops its own anvil; about two minutes)."
    ).parse_args()
    raise SystemExit(main())
