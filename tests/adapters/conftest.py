"""Fixtures for the chain adapter tests: Probe, a small contract with custom errors and events."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import pytest
import requests
from web3 import HTTPProvider

from adapters.anvil import Anvil
from adapters.build import Artifact, compile_contracts
from adapters.keys import anvil_account
from adapters.toolchain import PROJECT_ROOT
from adapters.web3chain import Web3Chain, retry_configuration

PROBE_PATH = "contracts/test/adapters/Probe.sol"
PROBE_SOURCE = (PROJECT_ROOT / PROBE_PATH).read_text()

FAST_RETRY = retry_configuration(retries=3, backoff=0.01)

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


class FaultyProvider(HTTPProvider):
    """web3's HTTP provider to the real endpoint, with chosen attempts failing in transport.

    ``faults[method]`` is a list consumed per attempt: "refuse" fails before the request is
    sent, "lose" sends it and then drops the answer (the worst case for a broadcast). The
    provider's own retry configuration repeats the attempts.
    """

    def __init__(self, url: str, faults: dict[str, list[str]]) -> None:
        super().__init__(url, exception_retry_configuration=FAST_RETRY)
        self.faults = faults
        self.sent: list[str] = []
        post = self._request_session_manager.make_post_request

        def faulty_post(uri: Any, data: bytes, **kwargs: Any) -> bytes:
            method = json.loads(data)["method"]
            plan = self.faults.get(method)
            fault = plan.pop(0) if plan else None
            if fault == "refuse":
                raise requests.ConnectionError("Connection refused")
            self.sent.append(method)
            body = post(uri, data, **kwargs)
            if fault == "lose":
                raise requests.ConnectionError("Connection reset by peer")
            return body

        self._request_session_manager.make_post_request = faulty_post  # type: ignore[method-assign]


def faulty_chain(anvil: Anvil, chain: Web3Chain, faults: dict[str, list[str]]) -> Web3Chain:
    assert chain.signer is not None
    faulty = Web3Chain(anvil.url, chain.signer, provider=FaultyProvider(anvil.url, faults))
    faulty.bind("Probe", chain.contract("Probe").address, chain.contract("Probe").abi)
    return faulty
