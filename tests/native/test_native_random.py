"""10,000 random (agent, seed, params, fuel) cases: the native engine equals the reference.

Agents are the example agents and random profile-v1 programs (tests/interpreter/wasm_fuzz.py:
every integer op, memory traffic in and out of bounds, globals, calls, traps, fuel-hungry
loops), each played on a random system with random params, seed and budget. Cases the
native engine hands back (a decision that traps in wasmtime) must be the only fallbacks.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections import Counter
from types import ModuleType

import pytest
from native_cases import AGENT_FILES, REPO, SYSTEMS, both, figures, load_program

from node import native
from node.systems.base import load_system
from node.wasm import AgentProgram

CASES = 10_000
GENERATED_AGENTS = 150
FUELS = (0, 1, 2, 3, 10, 50, 200, 1000, 3000, 10_000, 20_000)
NEEDS_REFERENCE = "a decision needs the reference interpreter"


def _wasm_fuzz() -> ModuleType:
    path = REPO / "tests" / "interpreter" / "wasm_fuzz.py"
    spec = importlib.util.spec_from_file_location("native_wasm_fuzz", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["native_wasm_fuzz"] = module
    spec.loader.exec_module(module)
    return module


def random_params(name: str, rng: random.Random) -> dict[str, int]:
    """Short matches with every parameter somewhere in its range."""
    if name == "snake":
        return {
            "width": rng.randint(4, 12),
            "height": rng.randint(4, 12),
            "max_steps": rng.choice((1, 2, rng.randint(1, 80))),
        }
    if name == "rps":
        return {"rounds": rng.randint(1, 60), "history": rng.randint(1, 32)}
    if name == "connect4":
        return {"first": rng.randint(0, 2), "noise": rng.randint(0, 100)}
    return {
        "length": rng.randint(1, 60),
        "noise": rng.randint(0, 50),
        "history": rng.randint(2, 32),
    }


@pytest.mark.slow
def test_ten_thousand_random_cases() -> None:
    fuzz = _wasm_fuzz()
    rng = random.Random(18_300_000)
    examples = [load_program(p) for p in AGENT_FILES if p.parent.name != "hostile"]
    generated = [AgentProgram.load(fuzz.generate(seed).code) for seed in range(GENERATED_AGENTS)]
    assert all(program.valid for program in generated)
    systems = {name: load_system(name) for name in SYSTEMS}
    before_native = native.COUNTS.native
    before = Counter(native.COUNTS.fallbacks)
    outcomes: Counter[int] = Counter()
    for case in range(CASES):
        name = rng.choice(SYSTEMS)
        system = systems[name]
        program = rng.choice(examples) if rng.random() < 0.4 else rng.choice(generated)
        params = system.encode_params(random_params(name, rng))
        seed = rng.randbytes(32)
        fuel = rng.choice(FUELS)
        reference, fast = both(system, program, seed, params, fuel)
        assert figures(fast) == figures(reference), (case, name, params.hex(), seed.hex(), fuel)
        outcomes[reference.outcome] += 1
    fallbacks = native.COUNTS.fallbacks - before
    handled = native.COUNTS.native - before_native
    assert set(fallbacks) <= {NEEDS_REFERENCE}, fallbacks
    assert handled + fallbacks[NEEDS_REFERENCE] == CASES
    assert handled >= CASES * 3 // 4, (handled, fallbacks)
    # The cases reach every way a match can end: normally, trap, out of fuel, invalid action.
    assert {0, 1, 2, 3} <= set(outcomes), outcomes
    print(f"native {handled}, reference fallbacks {dict(fallbacks)}, outcomes {dict(outcomes)}")
