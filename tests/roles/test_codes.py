"""Agent code recovery: from the registerAgent calldata on a JSON-RPC chain, from a code book
on the memory chain (no calldata there), and never a code whose hash is not the registered one."""

from __future__ import annotations

import pytest

from adapters.base import ArenaAdapter
from adapters.events import ChainEvent, all_events
from adapters.memory import MemoryChain
from adapters.select import open_chain
from node.roles.codes import from_calldata, recover
from node.trace import keccak256
from tests.roles.agents import BOOK, GREEDY, SIMPLE


def _registered(chain: ArenaAdapter) -> tuple[bytes, ChainEvent]:
    agent_id = chain.register_agent(GREEDY)
    (event,) = [
        e for e in all_events(chain)
        if e.name == "AgentRegistered" and int(e.args["agentId"]) == agent_id
    ]  # fmt: skip
    return bytes(event.args["codeHash"]), event


def test_memory_recovers_from_the_book_only() -> None:
    chain = MemoryChain()
    code_hash, event = _registered(chain)
    assert from_calldata(chain, event) is None
    assert recover(chain, code_hash, stored=None, event=event, book=BOOK) == GREEDY
    assert recover(chain, code_hash, stored=SIMPLE, event=None, book={}) is None
    assert recover(chain, code_hash, stored=None, event=None, book={code_hash: SIMPLE}) is None


@pytest.mark.anvil
def test_anvil_recovers_from_calldata() -> None:
    with open_chain("anvil") as opened:
        code_hash, event = _registered(opened.adapter)
        code = from_calldata(opened.adapter, event)
        assert code == GREEDY
        assert code is not None
        assert keccak256(code) == code_hash
        assert recover(opened.adapter, code_hash, stored=None, event=event, book={}) == GREEDY
