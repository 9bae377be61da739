"""Test vectors for the on-chain interpreter: modules, acceptance and exact decisions.

    python -m node.wasm.vectors tests/wasm/vectors/sandbox_vectors.json

Every decision is computed by the node (wasmtime fast path) and by the reference
interpreter; generation fails if they differ. The Solidity interpreter must accept exactly
the modules marked valid and reproduce (outcome, value, fuel_used) for every decision.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import wasmtime

from node.wasm.opcodes import I32, MEMORY, NUMERIC
from node.wasm.program import AgentProgram

MASK64 = (1 << 64) - 1


def _pair(a: int, b: int) -> bytes:
    """Observation whose low half is ``a`` and high half ``b`` (both taken as 32-bit)."""
    return ((((b & 0xFFFFFFFF) << 32) | (a & 0xFFFFFFFF)) & MASK64).to_bytes(8, "big")


def _u64(value: int) -> bytes:
    return (value & MASK64).to_bytes(8, "big")


@dataclass
class Case:
    name: str
    code: bytes
    decisions: list[tuple[bytes, int]] = field(default_factory=list)


def _wat(text: str) -> bytes:
    return bytes(wasmtime.wat2wasm(text))


def _v0(body: str, extra: str = "") -> bytes:
    return _wat(f'(module {extra} (func (export "decide") (param i64) (result i64) {body}))')


I64_EDGES = [
    0,
    1,
    2,
    3,
    5,
    7,
    31,
    32,
    63,
    64,
    65,
    -1,
    -2,
    -7,
    1 << 63,
    (1 << 63) - 1,
    0x0123456789ABCDEF,
]
I32_PAIRS = [
    (0, 0), (1, 0), (0, 1), (7, 2), (-7, 2), (7, -2), (-7, -2), (-(2**31), -1), (-(2**31), 1),
    (2**31 - 1, 1), (-1, -1), (0x12345678, 31), (0x12345678, 32), (0x12345678, 33), (5, 0),
    (0x80000000, 0x80000000), (0xFFFF, 16),
]  # fmt: skip


def numeric_cases() -> list[Case]:
    """Every integer opcode on edge operands: decide(x) takes a = low 32 (or x), b = high."""
    cases = []
    for spec in NUMERIC.values():
        i64_operands = spec.params and spec.params[0] != I32
        if len(spec.params) == 2 and i64_operands:
            body = f"local.get 0 local.get 0 i64.const 17 i64.rotl {spec.name}"
            observations = [_u64(v) for v in I64_EDGES]
        elif len(spec.params) == 2:
            body = f"local.get 0 i32.wrap_i64 local.get 0 i64.const 32 i64.shr_u i32.wrap_i64 {spec.name}"
            observations = [_pair(a, b) for a, b in I32_PAIRS]
        elif i64_operands:
            body = f"local.get 0 {spec.name}"
            observations = [_u64(v) for v in I64_EDGES]
        else:
            body = f"local.get 0 i32.wrap_i64 {spec.name}"
            observations = [_pair(a, 0) for a, _ in I32_PAIRS]
        if spec.result == I32:
            body += " i64.extend_i32_s"
        cases.append(Case(spec.name, _v0(body), [(obs, 1_000) for obs in observations]))
    return cases


def memory_cases() -> list[Case]:
    """Every load and store at in-bounds, edge and out-of-bounds addresses (offset 3)."""
    cases = []
    data = '(data (i32.const 0) "\\80\\81\\82\\83\\84\\85\\86\\87\\88\\89\\fa\\fb\\fc\\fd\\fe\\ff")'
    addresses = [
        0,
        1,
        5,
        65536 - 3 - 8,
        65536 - 3 - 4,
        65536 - 3 - 2,
        65536 - 3 - 1,
        65536,
        2**32 - 3,
        2**32 - 1,
    ]
    for access in MEMORY.values():
        if access.store:
            value = "local.get 0" if access.valtype != I32 else "local.get 0 i32.wrap_i64"
            body = (
                f"local.get 0 i64.const 32 i64.shr_u i32.wrap_i64 {value} {access.name} offset=3 "
                "i32.const 0 i64.load offset=0 i32.const 8 i64.load offset=0 i64.xor"
            )
            observations = [_u64((a << 32) | 0x1122_3344) for a in addresses]
        else:
            widen = " i64.extend_i32_u" if access.valtype == I32 else ""
            body = f"local.get 0 i32.wrap_i64 {access.name} offset=3{widen}"
            observations = [_u64(a) for a in addresses]
        code = _v0(body, f"(memory 1) {data}")
        cases.append(Case(access.name, code, [(obs, 1_000) for obs in observations]))
    return cases


CONTROL = {
    "loop sum 1..n": """(module (func (export "decide") (param i64) (result i64) (local i64)
        block loop local.get 0 i64.eqz br_if 1
          local.get 1 local.get 0 i64.add local.set 1
          local.get 0 i64.const 1 i64.sub local.set 0 br 0 end end local.get 1))""",
    "br_table": """(module (func (export "decide") (param i64) (result i64)
        block block block block local.get 0 i32.wrap_i64 br_table 0 1 2 3
        end i64.const 10 return end i64.const 20 return end i64.const 30 return end i64.const 40))""",
    "calls and early return": """(module
        (func $sq (param i64) (result i64) local.get 0 local.get 0 i64.mul)
        (func $pick (param i64) (result i64)
          local.get 0 i64.const 10 i64.lt_s if i64.const -1 return end
          local.get 0 call $sq)
        (func (export "decide") (param i64) (result i64) local.get 0 call $pick call $pick))""",
    "if else select globals": """(module (global $g (mut i64) (i64.const 5)) (global i32 (i32.const -3))
        (func (export "decide") (param i64) (result i64)
          local.get 0 i64.const 1 i64.and i32.wrap_i64
          if (result i64) global.get $g i64.const 2 i64.mul else global.get 1 i64.extend_i32_s end
          global.set $g
          global.get $g local.get 0 local.get 0 i64.const 2 i64.rem_u i32.wrap_i64 select))""",
    "nested blocks with values": """(module (func (export "decide") (param i64) (result i64)
        block (result i64) i64.const 1 block (result i64) local.get 0 local.get 0 i32.wrap_i64
        br_if 1 drop i64.const 2 end i64.add end))""",
    "unreachable after work": """(module (func (export "decide") (param i64) (result i64)
        local.get 0 i64.const 3 i64.gt_u if unreachable end local.get 0))""",
    "dead code after br": """(module (func (export "decide") (param i64) (result i64)
        block (result i64) local.get 0 br 0 i64.const 1 i64.add unreachable end))""",
}
CONTROL_OBS = [_u64(v) for v in (0, 1, 2, 3, 4, 5, 11, 100, -1)]

V1_SUM = """(module (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) i32.const 65500)
  (func (export "decide") (param $len i32) (result i64) (local $i i32) (local $acc i64)
    block loop local.get $i local.get $len i32.ge_u br_if 1
      local.get $acc i64.const 31 i64.mul local.get $i i32.const 65500 i32.add i64.load8_u i64.add
      local.set $acc local.get $i i32.const 1 i32.add local.set $i br 0 end end local.get $acc))"""

ENTRY_PRICE = """(module
  (func $l31 (result i64) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
    i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64) local.get 30)
  (func $l32 (param i64) (result i64) (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32
    i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) local.get 0 call $l31 i64.add)
  (func $l255 (param i64) (result i64) (local i64) (local LOTS) local.get 0 i64.const 1 i64.add)
  (func (export "decide") (param i64) (result i64) (local LOTS)
    local.get 0 call $l32 call $l255 call $l32))""".replace("LOTS", " ".join(["i32"] * 254))
"""Entry fuel by declared locals (1 + locals // 32): decide (254 declared: 7 extra), callees
with 31 (none), 32 (1) and 255 (7), a 1-param callee; every budget up to the total."""
V1_ENTRY_PRICE = """(module (memory (export "memory") 1)
  (func (export "obs_ptr") (result i32) (local LOTS) i32.const 0)
  (func (export "decide") (param i32) (result i64) (local i64 LOTS) local.get 0 i64.extend_i32_u))
""".replace("LOTS", " ".join(["i64"] * 64))
"""ABI v1: obs_ptr's entry (64 declared locals: 2 extra) and decide's (65: 2 extra)."""


def cases() -> list[Case]:
    out = numeric_cases() + memory_cases()
    for case_name, text in CONTROL.items():
        out.append(Case(case_name, _wat(text), [(obs, 1_000) for obs in CONTROL_OBS]))
    v1_obs = [b"", b"a", b"hello", bytes(range(36)), bytes(37), bytes(200)]
    out.append(Case("v1 sum near end of memory", _wat(V1_SUM), [(o, 2_000) for o in v1_obs]))
    loop = CONTROL["loop sum 1..n"]
    full = AgentProgram.load(_wat(loop)).reference(_u64(50), 20_000)[2]
    budgets = [0, 1, 2, full - 1, full, full + 1, 20_000]
    out.append(Case("fuel edges", _wat(loop), [(_u64(50), b) for b in budgets]))
    for label, text, obs in (
        ("entry price of declared locals", ENTRY_PRICE, _u64(9)),
        ("v1 entry price of declared locals", V1_ENTRY_PRICE, b"abc"),
    ):
        full = AgentProgram.load(_wat(text)).reference(obs, 20_000)[2]
        out.append(Case(label, _wat(text), [(obs, b) for b in range(full + 2)]))
    hostile = Path(__file__).resolve().parents[2] / "scenarios" / "agents" / "hostile"
    for path in sorted(hostile.glob("*.wat")) + sorted(hostile.glob("*.wasm")):
        code = _wat(path.read_text()) if path.suffix == ".wat" else path.read_bytes()
        program = AgentProgram.load(code)
        obs = b"hello" if program.abi == 1 else bytes(8)
        out.append(Case(f"hostile {path.name}", code, [(obs, 10_000)]))
    return out


def build() -> dict[str, object]:
    modules = []
    for case in cases():
        program = AgentProgram.load(case.code)
        decisions = []
        for observation, fuel in case.decisions:
            if program.abi == 0 and len(observation) != 8:
                continue
            decision = program.decide(observation, fuel)
            reference = program.reference(observation, fuel) if program.valid else (4, 0, 0)
            got = (int(decision.outcome), decision.value, decision.fuel_used)
            if got != reference:
                raise AssertionError(f"{case.name}: wasmtime {got} != interpreter {reference}")
            decisions.append(
                {
                    "observation": "0x" + observation.hex(),
                    "fuel": fuel,
                    "outcome": got[0],
                    "value": got[1],
                    "fuel_used": got[2],
                }
            )
        modules.append(
            {
                "name": case.name,
                "code": "0x" + case.code.hex(),
                "valid": program.valid,
                "abi": program.abi,
                "invalid_reason": program.invalid_reason,
                "decisions": decisions,
            }
        )
    return {"profile": "agent profile v1", "spec": "docs/protocol/sandbox.md", "modules": modules}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m node.wasm.vectors OUT.json", file=sys.stderr)
        return 2
    Path(argv[0]).write_text(json.dumps(build(), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
