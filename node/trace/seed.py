"""Match seeds: keccak256(abi.encode(bytes32 roundSeed, uint256 agentId, uint256 matchIndex))."""

from __future__ import annotations

UINT256_MAX = 2**256 - 1


def match_seed(round_seed: bytes, agent_id: int, match_index: int) -> bytes:
    """Seed of match ``match_index`` of agent ``agent_id`` in the round seeded ``round_seed``."""
    if len(round_seed) != 32:
        raise ValueError("round seed must be 32 bytes")
    for name, value in (("agent_id", agent_id), ("match_index", match_index)):
        if not 0 <= value <= UINT256_MAX:
            raise ValueError(f"{name} out of uint256 range: {value}")
    from node.trace.keccak import keccak256  # here: the constant above is imported without it

    return keccak256(
        bytes(round_seed) + agent_id.to_bytes(32, "big") + match_index.to_bytes(32, "big")
    )
