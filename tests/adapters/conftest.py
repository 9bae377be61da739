"""Fixtures for the chain adapter tests: a small contract with custom errors and events."""

from __future__ import annotations

from itertools import count

import pytest

from adapters.anvil import Anvil
from adapters.build import Artifact, compile_contracts
from adapters.keys import anvil_account
from adapters.web3chain import ContractAbi, Web3Chain

PROBE_SOURCE = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

contract Probe {
    error NotOwner(address caller, uint256 code);
    error TooLarge(uint256 value, uint256 limit);
    event Bumped(address indexed by, uint256 count);
    event Hit(uint256 indexed id, address indexed by, string note);

    address public owner;
    uint256 public count;
    mapping(uint256 => uint256) public hits;

    constructor(address owner_) { owner = owner_; }

    function bump() external { count += 1; emit Bumped(msg.sender, count); }

    function hit(uint256 id, string calldata note) external {
        hits[id] += 1;
        count += 1;
        emit Hit(id, msg.sender, note);
    }

    function onlyOwner() external view { if (msg.sender != owner) revert NotOwner(msg.sender, 7); }

    function setLimited(uint256 value) external {
        if (value > 100) revert TooLarge(value, 100);
        count = value;
    }

    function failString() external pure { revert("nope"); }

    function divide(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
}

contract Registry {
    address public probe;
    constructor(address probe_) { probe = probe_; }
}
"""

# Anvil accounts 5..9 are this suite's, so the session anvil's other users keep their nonces.
_accounts = count()


@pytest.fixture(scope="session")
def probe_artifacts() -> dict[str, Artifact]:
    return compile_contracts({"tests/Probe.sol": PROBE_SOURCE})


def deploy_probe(chain: Web3Chain, artifacts: dict[str, Artifact], owner: str) -> str:
    artifact = artifacts["Probe"]
    abi = ContractAbi(artifact.abi)
    receipt = chain.deploy_code(artifact.bytecode + abi.encode_constructor((owner,)), abi=abi)
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
