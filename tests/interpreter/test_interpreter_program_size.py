"""node.wasm.program_size against WasmCompiler: the size agent profile v1 bounds must be the
length of the program the contract compiles, byte for byte, or the two sides would disagree on
which modules are inside the profile near the limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_interpreter_acceptance import (
    CASES,
    LARGEST_BR_TABLE,
    LARGEST_STRAIGHT_LINE,
    LIMIT_CASES,
    straight_line,
    wide_br_table,
)
from wasm_fuzz import Batch, generate

from adapters.anvil import Anvil
from node.wasm import load_agent_file
from node.wasm.limits import MAX_PROGRAM_BYTES
from node.wasm.program_size import program_size
from node.wasm.validator import Invalid, Module, parse_module

pytestmark = pytest.mark.anvil

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"


@pytest.fixture(scope="module")
def batch(anvil: Anvil) -> Batch:
    return Batch(anvil.url)


def _size(module: Module) -> int:
    return program_size(module.functions, module.globals, module.data)


def _valid_modules() -> list[tuple[str, bytes, Module]]:
    found: list[tuple[str, bytes, Module]] = []
    named = [(name, code) for name, code, _ in [*CASES, *LIMIT_CASES]]
    named += [(f"fuzz seed {seed}", generate(seed).code) for seed in range(80)]
    for path in sorted(p for p in AGENTS.rglob("*") if p.suffix in (".wat", ".wasm")):
        try:
            named.append((str(path.relative_to(AGENTS)), load_agent_file(path)))
        except Exception:
            continue  # a hostile file that is not even WAT
    for name, code in named:
        try:
            found.append((name, code, parse_module(code)))
        except Invalid:
            continue
    return found


def test_sizes_at_the_limit() -> None:
    assert _size(parse_module(straight_line(LARGEST_STRAIGHT_LINE))) == MAX_PROGRAM_BYTES
    assert _size(parse_module(wide_br_table(LARGEST_BR_TABLE))) > MAX_PROGRAM_BYTES - 32
    with pytest.raises(Invalid, match="compiled program is 114720 bytes, limit 114688"):
        parse_module(straight_line(LARGEST_STRAIGHT_LINE + 1))


def test_program_size_is_the_compilers(batch: Batch) -> None:
    modules = _valid_modules()
    assert len(modules) >= 100
    assert any(m.data for _, _, m in modules)
    assert any(m.globals for _, _, m in modules)
    assert any(any(f.tables for f in m.functions) for _, _, m in modules)
    wrong = []
    for name, code, module in modules:
        compiled = len(batch.interpreter.compile(code))
        if compiled != _size(module):
            wrong.append(f"{name}: program_size {_size(module)}, compiler {compiled}")
    assert not wrong, "\n".join(wrong[:10])
