"""Differential fuzzing of the on-chain WASM interpreter against the off-chain sandbox.

Generates random profile-v1 agents (tests/interpreter/wasm_fuzz.py), runs every decision on
node.wasm and on WasmInterpreter (a throwaway anvil, many cases per eth_call), and checks
identical (outcome, value, fuel_used); then mutates modules byte-wise and checks that both
sides agree on valid/invalid and the ABI version. Prints a summary; exit 1 on any mismatch.

    .venv/bin/python scripts/fuzz_interpreter.py --decisions 10000 --mutations 3000
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import random
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.anvil import Anvil  # noqa: E402
from node.wasm import AgentProgram, validate_profile  # noqa: E402


def _load_fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "wasm_fuzz", ROOT / "tests" / "interpreter" / "wasm_fuzz.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["wasm_fuzz"] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Differential fuzzing of the on-chain interpreter."
    )
    parser.add_argument("--decisions", type=int, default=10_000, help="decision cases")
    parser.add_argument("--mutations", type=int, default=3_000, help="mutated modules")
    parser.add_argument("--seed", type=int, default=1_000_000, help="first generator seed")
    args = parser.parse_args()
    fuzz = _load_fuzz()
    started = time.monotonic()
    mismatches: list[str] = []
    outcomes: collections.Counter[int] = collections.Counter()
    gas_per_fuel: list[float] = []
    with Anvil() as node:
        batch = fuzz.Batch(node.url)
        seed = args.seed
        done = 0
        while done < args.decisions:
            cases: list[tuple[bytes, bytes, int]] = []
            labels: list[int] = []
            while len(cases) < 256 and done + len(cases) < args.decisions:
                case = fuzz.generate(seed)
                for obs in case.observations:
                    cases.append((case.code, obs, case.fuel))
                    labels.append(seed)
                seed += 1
            results = batch.decide_many(cases)
            for (code, obs, fuel), label, got in zip(cases, labels, results, strict=True):
                expected = fuzz.sandbox(code, obs, fuel)
                outcomes[expected.outcome] += 1
                if got is None or got[0] != expected:
                    mismatches.append(
                        f"seed {label} obs={obs.hex()} fuel={fuel}: {expected} != {got}"
                    )
                elif expected.fuel_used >= 1000:
                    gas_per_fuel.append(got[1] / expected.fuel_used)
            done += len(cases)
            print(f"  {done} decisions, {len(mismatches)} mismatches", flush=True)
        rng = random.Random(args.seed)
        codes = [
            fuzz.mutate(fuzz.generate(rng.randrange(10**9)).code, rng)
            for _ in range(args.mutations)
        ]
        invalid = 0
        for code, got in zip(codes, batch.inspect_many(codes), strict=True):
            reason = validate_profile(code)
            abi = AgentProgram.load(code).abi
            expected = (reason is None, abi if abi is not None else 0)
            invalid += reason is not None
            if got != expected:
                mismatches.append(
                    f"mutant {code.hex()}: sandbox {expected} ({reason}) != chain {got}"
                )
    elapsed = time.monotonic() - started
    names = {0: "ok", 1: "trap", 2: "out_of_fuel"}
    print(
        f"decisions: {done} ({', '.join(f'{names[k]} {v}' for k, v in sorted(outcomes.items()))})"
    )
    print(f"mutated modules: {len(codes)} ({invalid} invalid, {len(codes) - invalid} valid)")
    if gas_per_fuel:
        gas_per_fuel.sort()
        print(
            f"gas per fuel unit (decisions >= 1000 fuel): median {gas_per_fuel[len(gas_per_fuel) // 2]:.0f},"
            f" max {gas_per_fuel[-1]:.0f}"
        )
    print(f"mismatches: {len(mismatches)}; {elapsed:.0f} s")
    for line in mismatches[:20]:
        print("  " + line)
    return 1 if mismatches else 0


if __name__ == "__main__":
    raise SystemExit(main())
