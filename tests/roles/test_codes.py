"""Agent code recovery: from the node's database when it holds the right module, else from the
chain (the registration calldata, on both adapters), and never a code whose hash is not the
registered one."""

from __future__ import annotations

import pytest

from adapters.base import ArenaAdapter
from adapters.memory import MemoryChain
from adapters.select import open_chain
from node.roles.codes import recover
from tests.roles.agents import GREEDY, SIMPLE


def _check(chain: ArenaAdapter) -> None:
    agent_id = chain.register_agent(GREEDY)
    code_hash = chain.agent(agent_id).code_hash
    assert recover(chain, agent_id, code_hash, stored=None) == GREEDY
    assert recover(chain, agent_id, code_hash, stored=SIMPLE) == GREEDY  # a wrong db row
    assert recover(chain, agent_id, code_hash, stored=GREEDY) == GREEDY
    assert recover(chain, agent_id + 1, code_hash, stored=None) is None  # not registered
    assert recover(chain, agent_id, bytes(32), stored=GREEDY) is None  # not the hash asked


def test_memory_recovers_from_the_chain() -> None:
    _check(MemoryChain())


@pytest.mark.anvil
def test_anvil_recovers_from_calldata() -> None:
    with open_chain("anvil") as opened:
        _check(opened.adapter)
