"""Agent code recovery: the code travels only in the registerAgent calldata
(docs/protocol/contracts.md, "Recovering agent code"); any source is safe because the code is
checked against the registered keccak256 hash.

Sources, in order: the node's database (agents it runs or recovered before), then the chain
itself (``ArenaAdapter.agent_code``: the registration calldata, which both adapters keep), so
a verifier can replay any registered agent, not only modules it happens to know.
"""

from __future__ import annotations

from adapters.base import ArenaAdapter
from node.trace import keccak256


def recover(
    adapter: ArenaAdapter, agent_id: int, code_hash: bytes, *, stored: bytes | None
) -> bytes | None:
    """The code of ``agent_id``, whose keccak256 is ``code_hash``, or None."""
    if stored is not None and keccak256(stored) == code_hash:
        return stored
    code = adapter.agent_code(agent_id)
    return code if code is not None and keccak256(code) == code_hash else None
