"""Agent code read back from the chain (``ArenaAdapter.agent_code``): what a verifier needs to
replay any registered agent, kept by both adapters as a chain keeps registration calldata."""

from __future__ import annotations

import wasmtime

from adapters.base import ArenaAdapter
from adapters.memory import MemoryChain
from adapters.memory.persist import from_text, to_text
from node.trace import keccak256
from tests.conformance.harness import AGENT_CODE, account

USER_AGENT = bytes(
    wasmtime.wat2wasm(
        """(module (func (export "decide") (param $obs i64) (result i64)
         ;; a user's own snake: turn by the apple's x coordinate, never a shipped example
         (i64.rem_u (i64.add (i64.shr_u (local.get $obs) (i64.const 8)) (i64.const 1))
                    (i64.const 4))))"""
    )
)


def test_registered_code_reads_back(chain: ArenaAdapter) -> None:
    owner = chain.with_signer(account(1))
    other = chain.with_signer(account(2))
    first = owner.register_agent(USER_AGENT)
    second = other.register_agent(AGENT_CODE)
    third = owner.register_agent(USER_AGENT)  # the same module again: its own calldata
    for agent_id, code in ((first, USER_AGENT), (second, AGENT_CODE), (third, USER_AGENT)):
        read = other.agent_code(agent_id)
        assert read == code
        assert read is not None
        assert keccak256(read) == chain.agent(agent_id).code_hash
    assert chain.agent_code(0) is None
    assert chain.agent_code(third + 1) is None


def test_a_revert_forgets_the_registration(chain: ArenaAdapter) -> None:
    owner = chain.with_signer(account(1))
    snapshot = chain.snapshot()
    agent_id = owner.register_agent(USER_AGENT)
    assert chain.revert_to(snapshot)
    assert chain.agent_code(agent_id) is None
    again = owner.register_agent(AGENT_CODE)
    assert (again, chain.agent_code(again)) == (agent_id, AGENT_CODE)


def test_memory_chain_file_keeps_the_code() -> None:
    chain = MemoryChain()
    agent_id = chain.register_agent(USER_AGENT)
    reloaded = MemoryChain(from_text(to_text(chain.world), "test"))
    assert reloaded.agent_code(agent_id) == USER_AGENT
