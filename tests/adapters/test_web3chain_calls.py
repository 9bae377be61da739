"""Web3Chain on anvil: calls, transactions, named reverts, the event cursor, time control."""

from __future__ import annotations

import pytest
from hexbytes import HexBytes

from adapters.anvil import Anvil
from adapters.base import ChainAdapter, adapter_factory, adapter_names
from adapters.build import Artifact
from adapters.errors import AdapterError, ChainError, ChainReorg
from adapters.events import EventCursor
from adapters.keys import anvil_account
from adapters.web3chain import Web3Chain
from tests.adapters.conftest import deploy_probe

pytestmark = pytest.mark.anvil


def test_web3chain_is_a_chain_adapter(chain: Web3Chain) -> None:
    assert isinstance(chain, ChainAdapter)
    assert chain.chain_id == 31337


def test_transact_call_and_receipt_events(chain: Web3Chain) -> None:
    me = chain.sender.address
    receipt = chain.transact("Probe", "bump")
    assert chain.call("Probe", "count") == 1
    assert chain.call("Probe", "owner") == me
    [event] = chain.events_in(receipt)
    assert (event.name, event.args) == ("Bumped", {"by": me, "count": 1})
    assert event.tx_hash == receipt.tx_hash


def test_receipt_from_the_wire_matches_web3s_formatted_receipt(chain: Web3Chain) -> None:
    """The sender reads receipts without web3's result formatters; what it keeps, and the
    logs it formats on first use, are what ``w3.eth.get_transaction_receipt`` returns."""
    receipt = chain.transact("Probe", "hit", 3, "three")
    formatted = chain.w3.eth.get_transaction_receipt(HexBytes(receipt.tx_hash))
    assert receipt.tx_hash == bytes(formatted["transactionHash"])
    assert receipt.block_number == formatted["blockNumber"]
    assert receipt.gas_used == formatted["gasUsed"]
    assert receipt.status is (formatted["status"] == 1)
    assert receipt.contract_address is None
    assert list(receipt.logs) == list(formatted["logs"])
    [event] = chain.events_in(receipt)
    assert (event.name, event.args["id"], event.args["note"]) == ("Hit", 3, "three")


def test_reverts_are_named_in_calls_estimates_and_mined_transactions(chain: Web3Chain) -> None:
    with pytest.raises(ChainError) as caught:
        chain.transact("Probe", "setLimited", 101)
    assert (caught.value.name, caught.value.args) == ("TooLarge", (101, 100))
    with pytest.raises(ChainError) as caught:
        chain.transact("Probe", "setLimited", 500, gas=100_000)  # skips estimation: mined, reverted
    assert (caught.value.name, caught.value.args) == ("TooLarge", (500, 100))
    assert caught.value.tx_hash is not None
    with pytest.raises(ChainError, match="Error") as caught:
        chain.transact("Probe", "failString")
    assert caught.value.args == ("nope",)
    with pytest.raises(ChainError) as caught:
        chain.call("Probe", "divide", 1, 0)
    assert (caught.value.name, caught.value.args) == ("Panic", (0x12,))
    assert chain.call("Probe", "divide", 9, 3) == 3
    assert chain.call("Probe", "count") == 0


def test_revert_of_another_sender_names_the_caller(
    chain: Web3Chain, anvil: Anvil, probe_artifacts: dict[str, Artifact]
) -> None:
    other = Web3Chain(anvil.url, anvil_account(4))
    other.bind("Probe", chain.contract("Probe").address, chain.contract("Probe").abi)
    with pytest.raises(ChainError) as caught:
        other.call("Probe", "onlyOwner")
    assert caught.value == ChainError("NotOwner", (other.sender.address, 7))
    chain.call("Probe", "onlyOwner")


def test_event_cursor_resumes_exactly_where_the_consumer_stopped(chain: Web3Chain) -> None:
    start = EventCursor(chain.block_number() + 1)
    for i in range(5):
        chain.transact("Probe", "hit", i, f"note {i}")
    batch = chain.events_since(start)
    assert [e.args["id"] for e in batch.events] == [0, 1, 2, 3, 4]
    assert batch.events[2].args == {"id": 2, "by": chain.sender.address, "note": "note 2"}
    # The consumer processed only the first two events, then restarted.
    resumed = chain.events_since(batch.events[1].next_cursor)
    assert [e.args["id"] for e in resumed.events] == [2, 3, 4]
    assert chain.events_since(batch.cursor).events == []
    chain.transact("Probe", "bump")
    later = chain.events_since(batch.cursor)
    assert [e.name for e in later.events] == ["Bumped"]


def test_time_control_and_reorg_detection(
    fresh_anvil: Anvil, probe_artifacts: dict[str, Artifact]
) -> None:
    chain = Web3Chain(fresh_anvil.url, anvil_account(0))
    deploy_probe(chain, probe_artifacts, chain.sender.address)
    before = chain.block_time()
    chain.increase_time(3600)
    assert chain.block_time() >= before + 3600
    height = chain.block_number()
    chain.mine(3)
    assert chain.block_number() == height + 3
    snapshot = chain.snapshot()
    chain.transact("Probe", "bump")
    cursor = chain.events_since(EventCursor()).cursor
    assert chain.revert_to(snapshot)
    chain.mine(2)  # a different chain of the same height
    with pytest.raises(ChainReorg):
        chain.events_since(cursor)
    fresh_anvil.set_next_block_timestamp(before + 10_000)
    fresh_anvil.mine()
    assert chain.block_time() == before + 10_000


def test_adapters_are_found_through_entry_points(anvil: Anvil) -> None:
    assert "web3" in adapter_names()
    opened = adapter_factory("web3")(anvil.url, signer=anvil_account(9))
    assert isinstance(opened, ChainAdapter)
    assert opened.chain_id == 31337
    with pytest.raises(AdapterError, match="needs an RPC URL"):
        adapter_factory("web3")()
    with pytest.raises(AdapterError, match="unknown chain adapter 'nope'"):
        adapter_factory("nope")
