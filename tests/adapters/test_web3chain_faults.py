"""Sender under faults: threads, out-of-band nonces, lost answers, a killed endpoint."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes

from adapters.anvil import Anvil, free_port
from adapters.build import Artifact
from adapters.errors import ChainError, ChainUnavailable, TransactionOutcomeUnknown
from adapters.keys import anvil_account
from adapters.web3chain import PendingTx, TransactionOutcomeUndecided, Web3Chain
from tests.adapters.conftest import FAST_RETRY, deploy_probe, faulty_chain

pytestmark = pytest.mark.anvil


def hits(chain: Web3Chain, ids: range | list[int]) -> list[int]:
    return [chain.call("Probe", "hits", i) for i in ids]


def test_concurrent_senders_never_collide(chain: Web3Chain) -> None:
    threads, per_thread = 4, 8
    errors: list[BaseException] = []
    hashes: list[bytes] = []

    def worker(t: int) -> None:
        try:
            for i in range(per_thread):
                hashes.append(chain.transact("Probe", "hit", t * 100 + i, "x").tx_hash)
        except BaseException as exc:
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    assert chain.call("Probe", "count") == threads * per_thread
    assert hits(chain, [t * 100 + i for t in range(threads) for i in range(per_thread)]) == [1] * 32
    nonces = sorted(chain.w3.eth.get_transaction(HexBytes(h)).get("nonce", -1) for h in hashes)
    assert nonces == list(range(nonces[0], nonces[0] + threads * per_thread))


def test_out_of_band_transaction_with_the_same_key_is_repaired(chain: Web3Chain) -> None:
    for i in range(3):
        chain.transact("Probe", "hit", i, "ours")
    intruder = Web3Chain(chain.url, chain.signer)  # same key, its own nonce counter
    intruder.bind("Probe", chain.contract("Probe").address, chain.contract("Probe").abi)
    intruder.transact("Probe", "hit", 100, "theirs")
    intruder.transact("Probe", "hit", 101, "theirs")
    for i in range(3, 6):
        chain.transact("Probe", "hit", i, "ours")
    assert chain.call("Probe", "count") == 8
    assert hits(chain, [*range(6), 100, 101]) == [1] * 8


def test_lost_broadcast_answers_are_retried_without_a_second_execution(
    anvil: Anvil, chain: Web3Chain
) -> None:
    faulty = faulty_chain(
        anvil, chain, {"eth_sendRawTransaction": ["lose"], "eth_estimateGas": ["refuse", "refuse"]}
    )
    faulty.transact("Probe", "hit", 1, "once")
    assert hits(chain, [1]) == [1]
    assert chain.call("Probe", "count") == 1


def test_outcome_unknown_is_resumed_not_resent(anvil: Anvil, chain: Web3Chain) -> None:
    faulty = faulty_chain(anvil, chain, {"eth_sendRawTransaction": ["lose", "refuse", "refuse"]})
    with pytest.raises(TransactionOutcomeUnknown) as caught:
        faulty.transact("Probe", "hit", 7, "maybe")
    message = str(caught.value)
    assert anvil.url in message
    assert "\n" not in message
    pending: PendingTx = caught.value.pending
    faulty.transact("Probe", "hit", 8, "next")  # resync settles the unknown one first
    receipt = faulty.resume(pending)
    assert receipt.tx_hash == pending.tx_hash
    assert hits(chain, [7, 8]) == [1, 1]


def test_down_endpoint_is_one_clear_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    chain = Web3Chain(url, anvil_account(0), retry=FAST_RETRY)
    with pytest.raises(ChainUnavailable) as caught:
        chain.block_number()
    message = str(caught.value)
    assert message.startswith(url)
    assert "eth_blockNumber" in message
    assert "connection refused" in message
    assert "\n" not in message


def _send_until_failure(chain: Web3Chain, ids: list[int], outcome: dict[int, object]) -> None:
    for i in ids:
        try:
            outcome[i] = chain.transact("Probe", "hit", i, "k")
        except TransactionOutcomeUnknown as exc:
            outcome[i] = exc.pending
            return
        except ChainUnavailable:
            outcome[i] = None  # nothing was signed for this one
            return
        except BaseException as exc:  # surfaces in the test instead of a silent dead thread
            outcome[i] = exc
            return


def test_killed_endpoint_then_restart_loses_and_duplicates_nothing(
    tmp_path: Path, probe_artifacts: dict[str, Artifact]
) -> None:
    state = tmp_path / "state.json"
    node = Anvil(state_file=state).start()
    try:
        chain = Web3Chain(node.url, anvil_account(0), retry=FAST_RETRY)
        deploy_probe(chain, probe_artifacts, chain.sender.address)
        outcome: dict[int, object] = {}
        started = threading.Event()
        ids = [list(range(t * 1000, t * 1000 + 500)) for t in range(3)]

        def run(batch: list[int]) -> Callable[[], None]:
            def body() -> None:
                started.set()
                _send_until_failure(chain, batch, outcome)

            return body

        pool = [threading.Thread(target=run(batch)) for batch in ids]
        for thread in pool:
            thread.start()
        started.wait()
        deadline = time.monotonic() + 30
        while len(outcome) < 12 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(outcome) >= 12, outcome
        node.stop()  # SIGTERM mid-flight: anvil dumps its state
        for thread in pool:
            thread.join(timeout=30)
        assert all(not thread.is_alive() for thread in pool)
        with pytest.raises(ChainUnavailable, match=node.url):
            chain.transact("Probe", "hit", 99_999, "down")

        assert not [r for r in outcome.values() if isinstance(r, BaseException)]
        node = Anvil(port=node.port, state_file=state).start()
        for i, result in sorted(outcome.items()):
            if isinstance(result, PendingTx):
                try:
                    chain.resume(result)
                except TransactionOutcomeUndecided:  # the dump lost its block: as a caller
                    if chain.call("Probe", "hits", i) == 0:  # would, judge by the effect
                        chain.transact("Probe", "hit", i, "k")
            elif result is None:
                chain.transact("Probe", "hit", i, "k")
        attempted = sorted(outcome)
        assert hits(chain, attempted) == [1] * len(attempted)
        assert chain.call("Probe", "count") == len(attempted)
        assert hits(chain, [99_999]) == [0]
    finally:
        node.stop()


def test_revert_after_faults_is_still_named(anvil: Anvil, chain: Web3Chain) -> None:
    faulty = faulty_chain(anvil, chain, {"eth_estimateGas": ["refuse"]})
    with pytest.raises(ChainError) as caught:
        faulty.transact("Probe", "setLimited", 1000)
    assert caught.value.name == "TooLarge"


def test_nonce_gap_after_a_lost_chain_is_filled_not_resigned(
    fresh_anvil: Anvil, probe_artifacts: dict[str, Artifact]
) -> None:
    chain = Web3Chain(fresh_anvil.url, anvil_account(0), receipt_timeout=15)
    deploy_probe(chain, probe_artifacts, chain.sender.address)
    chain.transact("Probe", "bump")
    chain.transact("Probe", "bump")
    fresh_anvil.stop()  # the devnet restarts empty: our counter (3) is now ahead of it (0)
    fresh_anvil.start()
    address = deploy_probe(chain, probe_artifacts, chain.sender.address)
    sent = chain.w3.eth.get_transaction_count(to_checksum_address(chain.sender.address))
    assert sent == 4  # three gap fillers below the one deployment
    assert chain.code_at(address)
    chain.transact("Probe", "bump")
    assert chain.call("Probe", "count") == 1
