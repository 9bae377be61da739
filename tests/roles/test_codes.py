"""Agent code recovery: from the node's database when it holds the right module, else from the
chain (the registration calldata, on both adapters), and never a code whose hash is not the
registered one."""

from __future__ import annotations

from adapters.base import ArenaAdapter
from node.roles.codes import recover
from node.testing.chains import NetsChain
from tests.roles.agents import GREEDY, SIMPLE


def _check(chain: ArenaAdapter) -> None:
    agent_id = chain.register_agent(GREEDY)
    code_hash = chain.agent(agent_id).code_hash
    assert recover(chain, agent_id, code_hash, stored=None) == GREEDY
    assert recover(chain, agent_id, code_hash, stored=SIMPLE) == GREEDY  # a wrong db row
    assert recover(chain, agent_id, code_hash, stored=GREEDY) == GREEDY
    assert recover(chain, agent_id + 1, code_hash, stored=None) is None  # not registered
    assert recover(chain, agent_id, bytes(32), stored=GREEDY) is None  # not the hash asked


def test_code_is_recovered_from_the_chain(nets_chain: NetsChain) -> None:
    _check(nets_chain.adapter)
