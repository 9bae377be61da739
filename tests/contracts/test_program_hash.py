"""Registration stores the compiled program's hash; the adapter derives that program for proofs.

proveStep runs the program compiled at registration (docs/protocol/contracts.md, "One-step proof
without re-validation"), so the hash the Arena stores must be keccak256 of exactly what
``Web3Chain.compiled_program`` returns for the registered code.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.memory import MemoryChain
from adapters.toolchain import PROJECT_ROOT
from adapters.web3chain import Web3Chain
from node.testing.chains import DeployedAnvil
from node.trace.keccak import keccak256
from node.wasm import load_agent_file

pytestmark = pytest.mark.anvil

AGENTS = ("snake/simple_v0.wat", "rps/pattern_v1.wat", "predict/hypotheses_v1.wat")


@pytest.fixture
def chain(nets_anvil: DeployedAnvil) -> Iterator[Web3Chain]:
    try:
        yield nets_anvil.chain
    finally:
        nets_anvil.reset()


@pytest.mark.parametrize("agent", AGENTS)
def test_registration_stores_the_compiled_programs_hash(chain: Web3Chain, agent: str) -> None:
    code = load_agent_file(PROJECT_ROOT / "scenarios/agents" / agent)
    agent_id = chain.register_agent(code)
    program = chain.compiled_program(code)
    assert program
    assert program != code
    record = chain.call("Arena", "agent", agent_id)
    assert bytes(record[7]) == keccak256(code)  # Arena.Agent.codeHash
    assert bytes(record[9]) == keccak256(program)  # Arena.Agent.programHash
    memory = MemoryChain()
    assert memory.agent(memory.register_agent(code)).code_hash == chain.agent(agent_id).code_hash


def test_an_invalid_module_has_no_program(chain: Web3Chain) -> None:
    assert chain.compiled_program(b"") == b""
    assert chain.compiled_program(b"\x00asm\x01\x00\x00\x00\xff") == b""
