"""The toolchain the rest of the project stands on: solc shim and anvil with web3 (forge runs
its own suite, Toolchain.t.sol included, in `make forge`; pytest does not run it again)."""

from __future__ import annotations

import pytest
from eth_account import Account
from web3 import Web3

from adapters.anvil import DEFAULT_KEYS, Anvil
from adapters.build import CompileError, compile_contracts
from adapters.toolchain import SOLC_SHIM, tool_version

COUNTER = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;
contract Counter {
    uint256 public count;
    event Bumped(address indexed by, uint256 count);
    function bump(uint256 by) external { count += by; emit Bumped(msg.sender, count); }
}
"""


def test_shim_reports_pinned_version() -> None:
    assert tool_version(SOLC_SHIM).startswith("0.8.30+commit.")


def test_py_solc_x_compiles_through_the_shim() -> None:
    artifacts = compile_contracts({"Counter.sol": COUNTER})
    counter = artifacts["Counter"]
    assert {item.get("name") for item in counter.abi} >= {"count", "bump", "Bumped"}
    assert 0 < counter.deployed_size < 24_576


def test_compile_errors_are_reported_with_solc_diagnostics() -> None:
    with pytest.raises(CompileError, match=r"DeclarationError|ParserError"):
        compile_contracts(
            {"Broken.sol": "pragma solidity 0.8.30; contract B { function f() { x = 1; } }"}
        )


@pytest.mark.anvil
def test_deploy_and_call_on_anvil(anvil: Anvil) -> None:
    counter = compile_contracts({"Counter.sol": COUNTER})["Counter"]
    w3 = Web3(Web3.HTTPProvider(anvil.url))
    account = Account.from_key(DEFAULT_KEYS[0])
    factory = w3.eth.contract(abi=counter.abi, bytecode=counter.bytecode)

    def send(tx: dict[str, object]) -> dict[str, object]:
        tx = {**tx, "nonce": w3.eth.get_transaction_count(account.address), "from": account.address}
        signed = account.sign_transaction(tx)
        tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
        return dict(w3.eth.wait_for_transaction_receipt(tx_hash))

    deployed = send(factory.constructor().build_transaction({"from": account.address}))
    assert deployed["status"] == 1
    contract = w3.eth.contract(address=deployed["contractAddress"], abi=counter.abi)  # type: ignore[arg-type]
    receipt = send(contract.functions.bump(41).build_transaction({"from": account.address}))
    assert receipt["status"] == 1
    assert contract.functions.count().call() == 41
    events = contract.events.Bumped().process_receipt(receipt)  # type: ignore[arg-type]
    assert events[0]["args"]["count"] == 41
    assert events[0]["args"]["by"] == account.address


def test_anvil_fixture_stops_the_process() -> None:
    node = Anvil().start()
    process = node.process
    assert process is not None
    assert process.poll() is None
    node.stop()
    assert process.poll() is not None
