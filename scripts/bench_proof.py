"""The costliest one-step proofs: searches module shapes for the most gas at the maximum fuel.

Generates candidate profile-v1 modules (calls of functions with many locals or params, deep
call chains, every instruction class in a tight loop, a huge static operand stack with
linear memory touched at its end, large data segments, br_table, and combinations padded
to the program limit), compiles each on WasmCompiler and runs it with
`WasmInterpreter.run(program, abi, observation, 20,000)` on a throwaway anvil. "run tx gas"
is eth_estimateGas of that call: 21,000 + the program as calldata + execution, which is
what the interpreter adds to a `proveStep` transaction (the Arena's own part is ~100 k:
contracts/test/arena/ProofBound.t.sol measures the full proof of the top shapes). Also
checks that the node (wasmtime + reference interpreter) agrees with the contract on
every decision. Prints a markdown table, costliest first.

    .venv/bin/python scripts/bench_proof.py [--top N]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.anvil import Anvil  # noqa: E402
from node.onchain import OnchainInterpreter  # noqa: E402
from node.wasm import AgentProgram  # noqa: E402
from node.wasm.limits import MAX_FUEL  # noqa: E402
from node.wasm.shapes import SHAPES  # noqa: E402

OBSERVATION = (7).to_bytes(8, "big")
EIP7825_GAS = 16_777_216


@dataclass
class Row:
    name: str
    module_bytes: int
    program_bytes: int
    outcome: int
    fuel_used: int
    gas: int


def measure(chain: OnchainInterpreter, name: str, build: Callable[[], bytes]) -> Row:
    code = build()
    program = AgentProgram.load(code)
    if not program.valid:
        raise SystemExit(f"{name}: invalid module: {program.invalid_reason}")
    prog = chain.compile(code)
    expected = program.decide(OBSERVATION, MAX_FUEL)
    call = chain.contract.functions.run(prog, program.abi or 0, OBSERVATION, MAX_FUEL)
    outcome, value, fuel_used = call.call({"gas": 90_000_000})
    if (outcome, value, fuel_used) != (expected.outcome, expected.value, expected.fuel_used):
        raise SystemExit(f"{name}: contract {(outcome, value, fuel_used)} != node {expected}")
    gas = call.estimate_gas({"gas": 90_000_000})
    return Row(name, len(code), len(prog), int(outcome), int(fuel_used), int(gas))


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Search hostile module shapes for the costliest one-step proof "
        "(starts and stops its own anvil; about a minute)."
    )
    parser.add_argument("--top", type=int, default=0, help="print only the N costliest shapes")
    parser.add_argument("--only", default="", help="only shapes whose name contains this")
    args = parser.parse_args()
    rows: list[Row] = []
    with Anvil() as node:
        chain = OnchainInterpreter.deploy(node.url)
        for name, build in SHAPES.items():
            if args.only in name:
                rows.append(measure(chain, name, build))
                print(f"  {name}: {rows[-1].gas:,}", file=sys.stderr)
    rows.sort(key=lambda r: -r.gas)
    if args.top:
        rows = rows[: args.top]
    print(f"| shape (fuel {MAX_FUEL:,}) | module B | program B | outcome | fuel | run tx gas |")
    print("|---|---:|---:|---|---:|---:|")
    for r in rows:
        outcome = ("ok", "trap", "out_of_fuel")[r.outcome]
        print(
            f"| {r.name} | {r.module_bytes:,} | {r.program_bytes:,} | {outcome} |"
            f" {r.fuel_used:,} | {r.gas:,} |"
        )
    worst = rows[0].gas if rows else 0
    print(f"\nCostliest: {worst:,} gas, {worst / EIP7825_GAS:.2f} of EIP-7825's {EIP7825_GAS:,}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
