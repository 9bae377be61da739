"""Sender against a devnet restored from a state dump: the interleavings of a kill, forced.

anvil writes ``--state`` on SIGTERM by reading its block history first and its account state
after (no lock between the reads): a transaction mined in between is in the restored state
(nonce used, effect applied) and in no restored block. ``restart`` rebuilds exactly that file
from two ``anvil_dumpState`` snapshots, so the race is forced, not waited for.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from eth_utils.address import to_checksum_address

from adapters.anvil import Anvil
from adapters.build import Artifact
from adapters.errors import TransactionOutcomeUnknown
from adapters.keys import anvil_account
from adapters.web3chain import PendingTx, TransactionOutcomeUndecided, Web3Chain, wire
from tests.adapters.conftest import FAST_RETRY, deploy_probe, faulty_chain

pytestmark = pytest.mark.anvil

HISTORY = ("block", "best_block_number", "blocks", "transactions", "historical_states")
LOSE_ANSWER = ["lose", "refuse", "refuse"]  # sent and executed; the caller never hears back
NEVER_SENT = ["refuse", "refuse", "refuse"]


def snapshot(node: Anvil) -> dict[str, Any]:
    """anvil's own dump (what ``--state`` writes), decoded."""
    return json.loads(gzip.decompress(bytes.fromhex(str(node.rpc("anvil_dumpState"))[2:])))


def restart(port: int, state: dict[str, Any], history: dict[str, Any], file: Path) -> Anvil:
    """anvil on ``port`` again, from ``state``'s accounts and storage with ``history``'s
    blocks and transactions (the dump race when the two differ)."""
    file.write_text(json.dumps({**state, **{key: history[key] for key in HISTORY}}))
    return Anvil(port=port, state_file=file).start()


def nonce_of(chain: Web3Chain) -> int:
    return chain.w3.eth.get_transaction_count(to_checksum_address(chain.sender.address))


@pytest.fixture
def node(tmp_path: Path) -> Any:
    running = {"node": Anvil(state_file=tmp_path / "state.json").start()}
    yield running
    running["node"].stop()


@pytest.mark.parametrize("first", ["resume", "send_then_resume"])
def test_state_ahead_of_history_is_undecided_never_sent_again(
    node: dict[str, Anvil], tmp_path: Path, probe_artifacts: dict[str, Artifact], first: str
) -> None:
    live = node["node"]
    chain = Web3Chain(live.url, anvil_account(1), retry=FAST_RETRY)
    deploy_probe(chain, probe_artifacts, chain.sender.address)
    before = snapshot(live)
    faulty = faulty_chain(live, chain, {"eth_sendRawTransaction": list(LOSE_ANSWER)})
    with pytest.raises(TransactionOutcomeUnknown) as caught:
        faulty.transact("Probe", "hit", 1, "once")
    pending: PendingTx = caught.value.pending
    after = snapshot(live)
    live.stop()
    node["node"] = restart(live.port, after, before, tmp_path / "state.json")

    # the restored chain: the nonce is used and the effect applied, the transaction unknown
    assert nonce_of(chain) == pending.nonce + 1
    assert chain.call("Probe", "hits", 1) == 1
    assert wire.transaction_receipt(chain.w3, pending.tx_hash) is None

    if first == "send_then_resume":  # the next send settles what is in flight first
        faulty.transact("Probe", "hit", 2, "after")
    with pytest.raises(TransactionOutcomeUndecided) as undecided:
        faulty.resume(pending)
    message = str(undecided.value)
    assert f"nonce {pending.nonce}" in message
    assert pending.tx_hash.hex() in message
    assert "\n" not in message
    with pytest.raises(TransactionOutcomeUndecided):  # asking again does not change the answer
        faulty.resume(pending)
    assert chain.call("Probe", "hits", 1) == 1
    assert chain.call("Probe", "count") == (2 if first == "send_then_resume" else 1)


def test_nonce_another_sender_took_while_down_is_resent_once(
    node: dict[str, Anvil], probe_artifacts: dict[str, Artifact]
) -> None:
    live = node["node"]
    chain = Web3Chain(live.url, anvil_account(2), retry=FAST_RETRY)
    deploy_probe(chain, probe_artifacts, chain.sender.address)
    faulty = faulty_chain(live, chain, {"eth_sendRawTransaction": list(NEVER_SENT)})
    with pytest.raises(TransactionOutcomeUnknown) as caught:
        faulty.transact("Probe", "hit", 1, "ours")
    pending: PendingTx = caught.value.pending
    chain.transact("Probe", "hit", 100, "theirs")  # same key, its own counter: takes the nonce
    assert nonce_of(chain) == pending.nonce + 1

    receipt = faulty.resume(pending)
    assert receipt.tx_hash != pending.tx_hash  # re-signed: the chain shows another holder
    assert [chain.call("Probe", "hits", i) for i in (1, 100)] == [1, 1]


def test_lost_transactions_resumed_highest_nonce_first_each_execute_once(
    node: dict[str, Anvil], tmp_path: Path, probe_artifacts: dict[str, Artifact]
) -> None:
    """Two transactions in the pool when anvil stops (the dump holds no pool): resuming the
    later one first must not wait on the gap below it, which is our other transaction."""
    live = node["node"]
    chain = Web3Chain(live.url, anvil_account(3), retry=FAST_RETRY, receipt_timeout=10)
    deploy_probe(chain, probe_artifacts, chain.sender.address)
    live.rpc("evm_setAutomine", False)
    unknown: list[PendingTx] = []

    def send(i: int) -> None:
        try:
            chain.transact("Probe", "hit", i, "pooled")
        except TransactionOutcomeUnknown as exc:
            unknown.append(exc.pending)

    threads = [threading.Thread(target=send, args=(i,)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while int(live.rpc("txpool_status")["pending"], 16) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert int(live.rpc("txpool_status")["pending"], 16) == 2
    pooled = snapshot(live)  # anvil dumps no pool: both transactions are lost
    live.stop()
    for thread in threads:  # each hears of the outage before the node is back
        thread.join(timeout=30)
    node["node"] = restart(live.port, pooled, pooled, tmp_path / "state.json")
    low, high = sorted(unknown, key=lambda pending: pending.nonce)
    assert nonce_of(chain) == low.nonce == high.nonce - 1  # both lost with the pool

    assert chain.resume(high).tx_hash == high.tx_hash
    assert chain.resume(low).tx_hash == low.tx_hash
    assert [chain.call("Probe", "hits", i) for i in (1, 2)] == [1, 1]
    assert chain.call("Probe", "count") == 2
