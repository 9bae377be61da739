"""Fixtures for the chain adapter tests: Probe, a small contract with custom errors and events."""

from __future__ import annotations

from itertools import count

import pytest

from adapters.anvil import Anvil
from adapters.build import Artifact, compile_contracts
from adapters.keys import anvil_account
from adapters.toolchain import PROJECT_ROOT
from adapters.web3chain import Web3Chain

PROBE_PATH = "contracts/test/adapters/Probe.sol"
PROBE_SOURCE = (PROJECT_ROOT / PROBE_PATH).read_text()

# Anvil accounts 5..9 are this suite's, so the session anvil's other users keep their nonces.
_accounts = count()


@pytest.fixture(scope="session")
def probe_artifacts() -> dict[str, Artifact]:
    return compile_contracts({PROBE_PATH: PROBE_SOURCE})  # served from the tree's one compile


def deploy_probe(chain: Web3Chain, artifacts: dict[str, Artifact], owner: str) -> str:
    artifact = artifacts["Probe"]
    abi = artifact.abi
    receipt = chain.deploy_code(chain.init_code(abi, artifact.bytecode, owner), abi=abi)
    assert receipt.contract_address is not None
    chain.bind("Probe", receipt.contract_address, abi)
    return receipt.contract_address


@pytest.fixture
def chain(anvil: Anvil, probe_artifacts: dict[str, Artifact]) -> Web3Chain:
    """A Web3Chain on the session anvil with a freshly deployed Probe owned by its signer."""
    index = 5 + next(_accounts) % 5
    web3chain = Web3Chain(anvil.url, anvil_account(index))
    deploy_probe(web3chain, probe_artifacts, web3chain.sender.address)
    return web3chain
