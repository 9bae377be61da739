"""Chains shared by test modules: the session's anvil with the Arena set deployed."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.web3chain import Web3Chain


@dataclass
class DeployedAnvil:
    """The session's anvil with the Arena set deployed from account 0 at nonce 0 (so the
    addresses are MemoryChain's), and the snapshot tests revert to."""

    chain: Web3Chain
    snapshot: str

    def reset(self) -> None:
        """Back to the freshly deployed state; the snapshot is consumed, so take it again."""
        self.chain.revert_to(self.snapshot)
        self.snapshot = self.chain.snapshot()
