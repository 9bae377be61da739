"""The sim contracts (contracts/src/sim) deployed and called through a Web3Chain.

Each deploy creates a fresh instance and binds it under ``<Name>@<address>``, so several
runs (several ledgers) can share one chain. Reverts arrive as the named ChainError, exactly
as the memory mirror (adapters.memory.sim_contracts) raises them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from adapters.build import CONTRACTS_DIR, Artifact, compile_contracts, load_sources
from adapters.errors import AdapterError
from adapters.web3chain.chain import Web3Chain
from node.sim.chain.ops import AnchorInfo, CardInfo

SIM_SOURCE_DIR = CONTRACTS_DIR / "sim"


@functools.cache
def sim_artifacts() -> dict[str, Artifact]:
    """SimLedger, AgentCards and TraceAnchor compiled (cached on disk by source hash)."""
    return compile_contracts(load_sources(SIM_SOURCE_DIR))


class _Bound:
    def __init__(self, chain: Web3Chain, name: str) -> None:
        artifact = sim_artifacts()[name]
        abi = artifact.abi
        receipt = chain.deploy_code(artifact.bytecode, abi=abi)
        if receipt.contract_address is None:
            raise AdapterError(f"{name}: the deployment receipt has no contract address")
        self.chain = chain
        self.address: str = receipt.contract_address
        self.key = f"{name}@{self.address}"
        chain.bind(self.key, self.address, abi)

    def _send(self, function: str, *args: Any, value: int = 0) -> int:
        return self.chain.transact(self.key, function, *args, value=value).block_number

    def _view(self, function: str, *args: Any) -> Any:
        return self.chain.call(self.key, function, *args)


class Web3SimLedger(_Bound):
    def __init__(self, chain: Web3Chain) -> None:
        super().__init__(chain, "SimLedger")

    def deposit(self, agents: Sequence[bytes], each: int) -> None:
        self._send("deposit", list(agents), each, value=each * len(agents))

    def transfer(self, payer: bytes, payee: bytes, amount: int, ref: bytes) -> None:
        self._send("transfer", payer, payee, amount, ref)

    def slash(self, agent: bytes, amount: int) -> None:
        self._send("slash", agent, amount)

    def balance_of(self, agent: bytes) -> int:
        return int(self._view("balanceOf", agent))

    def slash_count(self, agent: bytes) -> int:
        return int(self._view("slashCount", agent))


class Web3AgentCards(_Bound):
    def __init__(self, chain: Web3Chain) -> None:
        super().__init__(chain, "AgentCards")

    def set_card(self, agent: bytes, capabilities: Sequence[bytes], metadata_hash: bytes) -> None:
        self._send("setCard", agent, list(capabilities), metadata_hash)

    def remove_card(self, agent: bytes) -> None:
        self._send("removeCard", agent)

    def card_of(self, agent: bytes) -> CardInfo:
        caps, meta, listed = self._view("cardOf", agent)
        return CardInfo(tuple(bytes(c) for c in caps), bytes(meta), bool(listed))


class Web3TraceAnchor(_Bound):
    def __init__(self, chain: Web3Chain) -> None:
        super().__init__(chain, "TraceAnchor")

    def anchor(self, root: bytes, scenario_hash: bytes, seed: int) -> AnchorInfo:
        self._send("anchor", root, scenario_hash, seed)
        info = self.anchor_of(root)
        if info is None:
            raise AdapterError(f"TraceAnchor at {self.address} lost root 0x{root.hex()}")
        return info

    def anchor_of(self, root: bytes) -> AnchorInfo | None:
        block, timestamp, seed, by, scenario = self._view("anchorOf", root)
        if block == 0:
            return None
        return AnchorInfo(
            bytes(root), int(block), int(timestamp), int(seed), by, bytes(scenario), self.address
        )


class Web3SimContracts:
    """Deploys the sim contracts on one Web3Chain (its signer is their operator)."""

    def __init__(self, chain: Web3Chain) -> None:
        self.chain = chain

    def deploy_ledger(self) -> Web3SimLedger:
        return Web3SimLedger(self.chain)

    def deploy_cards(self) -> Web3AgentCards:
        return Web3AgentCards(self.chain)

    def deploy_anchor(self) -> Web3TraceAnchor:
        return Web3TraceAnchor(self.chain)
