"""The on-chain interpreter against the off-chain sandbox: same acceptance, same decisions.

Random profile-v1 programs (wasm_fuzz.generate), byte mutations of them, and every agent under
scenarios/agents/ run on node.wasm and on WasmInterpreter (anvil); outcome, value and fuel_used
must be identical, and so must valid/invalid and the ABI version.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from wasm_fuzz import Batch, Outcome3, generate, mutate, sandbox

from adapters.anvil import Anvil
from node.wasm import AgentProgram, load_agent_file, validate_profile

pytestmark = pytest.mark.anvil

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"


@pytest.fixture(scope="module")
def batch(anvil: Anvil) -> Batch:
    return Batch(anvil.url)


def _compare(batch: Batch, cases: list[tuple[bytes, bytes, int]], labels: list[str]) -> None:
    got = batch.decide_many(cases)
    mismatches = []
    for (code, obs, fuel), label, onchain in zip(cases, labels, got, strict=True):
        expected = sandbox(code, obs, fuel)
        actual = onchain[0] if onchain else None
        if actual != expected:
            mismatches.append(f"{label} obs={obs.hex()} fuel={fuel}: {expected} != {actual}")
    assert not mismatches, "\n".join(mismatches[:10])


def test_random_programs_agree(batch: Batch) -> None:
    cases: list[tuple[bytes, bytes, int]] = []
    labels: list[str] = []
    for seed in range(150):
        case = generate(seed)
        for obs in case.observations:
            cases.append((case.code, obs, case.fuel))
            labels.append(f"seed {seed}")
    assert len(cases) >= 250
    _compare(batch, cases, labels)


def test_mutated_modules_agree_on_acceptance(batch: Batch) -> None:
    rng = random.Random(7)
    codes = [mutate(generate(seed).code, rng) for seed in range(200) for _ in range(2)]
    got = batch.inspect_many(codes)
    mismatches = []
    for code, onchain in zip(codes, got, strict=True):
        reason = validate_profile(code)
        program = AgentProgram.load(code)
        expected = (reason is None, program.abi if program.abi is not None else 0)
        if onchain != expected:
            mismatches.append(f"{code.hex()}: sandbox {expected} ({reason}) != chain {onchain}")
    assert not mismatches, "\n".join(mismatches[:5])
    assert any(v is not None and not v[0] for v in got), "mutations should hit invalid modules"


def test_scenario_agents_agree(batch: Batch) -> None:
    files = sorted(p for p in AGENTS.rglob("*") if p.suffix in (".wat", ".wasm"))
    rng = random.Random(11)
    cases: list[tuple[bytes, bytes, int]] = []
    labels: list[str] = []
    codes: list[bytes] = []
    for path in files:
        try:
            code = load_agent_file(path)
        except Exception:
            continue  # a hostile file that is not even WAT is the CLI's business
        codes.append(code)
        program = AgentProgram.load(code)
        for _ in range(3):
            if program.abi == 1:
                obs = bytes(rng.getrandbits(8) for _ in range(rng.choice((0, 8, 16, 42))))
            else:
                obs = rng.getrandbits(64).to_bytes(8, "big")
            cases.append((code, obs, rng.choice((50, 10_000))))
            labels.append(str(path.relative_to(AGENTS)))
    if not cases:
        pytest.skip("no agents under scenarios/agents yet")
    got = batch.inspect_many(codes)
    for code, onchain in zip(codes, got, strict=True):
        assert onchain is not None
        assert onchain[0] == (validate_profile(code) is None)
    _compare(batch, cases, labels)


def _deep_chain(depth: int) -> str:
    funcs = [
        f"(func $f{i} (param i64) (result i64) (local i64 i32)"
        f" (local.set 1 (i64.mul (local.get 0) (i64.const 3)))"
        f" (i64.add (call $f{i + 1} (i64.add (local.get 1) (i64.const {i}))) (local.get 1)))"
        for i in range(depth - 2)
    ]
    funcs.append(
        f"(func $f{depth - 2} (param i64) (result i64) (i64.rotl (local.get 0) (i64.const 7)))"
    )
    return (
        "(module "
        + " ".join(funcs)
        + ' (func (export "decide") (param i64) (result i64) (call $f0 (local.get 0))))'
    )


HAND_WRITTEN = [
    ("64 frames with locals", _deep_chain(64)),
    (
        "overlapping data segments, unaligned little-endian loads",
        '(module (memory 1) (data (i32.const 3) "\\01\\02\\03\\04\\05\\06\\07\\08\\09")'
        ' (data (i32.const 5) "\\aa\\bb") (func (export "decide") (param i64) (result i64)'
        " (i64.add (i64.load offset=1 (i32.const 2)) (i64.load32_s (i32.const 6)))))",
    ),
    (
        "v1 observation at the very end of memory",
        '(module (memory (export "memory") 1) (func (export "obs_ptr") (result i32)'
        ' (i32.const 65528)) (func (export "decide") (param i32) (result i64)'
        " (i64.add (i64.load (i32.const 65528)) (i64.extend_i32_u (local.get 0)))))",
    ),
    (
        "branches to the function label, dead code after them",
        '(module (func (export "decide") (param i64) (result i64)'
        " (i64.add (i64.const 100) (block (result i64)"
        " (br_if 1 (i64.const 5) (i64.eqz (local.get 0)))"
        " (br_table 0 1 1 (i64.const 6) (i32.and (i32.wrap_i64 (local.get 0)) (i32.const 3)))"
        " (i64.const 9) i64.add drop unreachable))))",
    ),
    (
        "values below a branch survive",
        '(module (func (export "decide") (param i64) (result i64)'
        " (i64.sub (i64.mul (local.get 0) (i64.const 3)) (block (result i64) (i64.const 1)"
        " (i64.const 2) (i64.const 3) (br 0 (i64.const 4)) drop drop))))",
    ),
    (
        "many params and globals",
        "(module (global $a (mut i64) (i64.const -5)) (global $b i32 (i32.const -1))"
        " (func $p (param i32 i64 i32 i64 i32 i64 i32 i64) (result i64)"
        " (i64.sub (local.get 7) (i64.extend_i32_s (local.get 6))))"
        ' (func (export "decide") (param i64) (result i64) (global.set $a (i64.mul (global.get $a)'
        " (local.get 0))) (call $p (global.get $b) (global.get $a) (i32.const 2) (i64.const 3)"
        " (i32.const 4) (i64.const 5) (global.get $b) (global.get $a))))",
    ),
]


def test_hand_written_programs_agree(batch: Batch) -> None:
    import wasmtime

    cases: list[tuple[bytes, bytes, int]] = []
    labels: list[str] = []
    for label, wat in HAND_WRITTEN:
        code = bytes(wasmtime.wat2wasm(wat))
        assert validate_profile(code) is None, label
        for obs in (bytes(8), (12345).to_bytes(8, "big"), b"\xff" * 8, (2).to_bytes(8, "big")):
            for fuel in (0, 5, 100, 20_000):
                cases.append((code, obs, fuel))
                labels.append(label)
    _compare(batch, cases, labels)


def test_known_decisions(batch: Batch) -> None:
    """A fixed program with a known answer, so a broken generator cannot hide a broken chain."""
    import wasmtime

    wat = """(module (func (export "decide") (param i64) (result i64) (local i64)
      (loop (local.set 1 (i64.add (local.get 1) (i64.const 1)))
            (br_if 0 (i64.lt_u (local.get 1) (local.get 0)))) (local.get 1)))"""
    code = bytes(wasmtime.wat2wasm(wat))
    got = batch.decide_many([(code, (50).to_bytes(8, "big"), 10_000)])
    assert got[0] is not None
    assert got[0][0] == Outcome3(0, 50, 402)
