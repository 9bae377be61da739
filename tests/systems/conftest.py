"""Fixtures of the systems tests: the four system contracts and the replay helper on anvil."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from web3 import Web3

from adapters.anvil import Anvil
from adapters.arena_ops import SYSTEM_CONTRACTS
from adapters.build import compile_contracts, load_sources
from adapters.toolchain import PROJECT_ROOT


@dataclass(frozen=True)
class Deployed:
    w3: Web3
    replay: Any
    systems: dict[str, Any]
    sizes: dict[str, int]


def _deploy(w3: Web3, abi: Any, bytecode: bytes) -> Any:
    factory = w3.eth.contract(abi=abi, bytecode=bytecode)
    tx = factory.constructor().transact({"from": w3.eth.accounts[0]})
    address = w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
    assert address is not None
    return w3.eth.contract(address=address, abi=abi)


@pytest.fixture(scope="session")
def deployed(anvil: Anvil) -> Deployed:
    """Every system contract plus SystemReplay, compiled from the tree and deployed once."""
    sources = load_sources(PROJECT_ROOT / "contracts" / "src" / "systems")
    sources |= load_sources(PROJECT_ROOT / "contracts" / "src" / "interfaces")
    sources |= load_sources(PROJECT_ROOT / "contracts" / "test" / "systems")
    sources = {k: v for k, v in sources.items() if not k.endswith(".t.sol")}
    artifacts = compile_contracts(sources)
    w3 = Web3(Web3.HTTPProvider(anvil.url))
    systems = {
        name: _deploy(w3, artifacts[contract].abi, artifacts[contract].bytecode)
        for name, contract in SYSTEM_CONTRACTS.items()
        if contract in artifacts
    }
    replay = _deploy(w3, artifacts["SystemReplay"].abi, artifacts["SystemReplay"].bytecode)
    sizes = {
        contract: artifacts[contract].deployed_size
        for contract in SYSTEM_CONTRACTS.values()
        if contract in artifacts
    }
    return Deployed(w3, replay, systems, sizes)
