"""keccak256 fast path and match seeds against eth_hash / eth_abi as independent references."""

from __future__ import annotations

import threading

from eth_abi.abi import encode
from eth_hash.auto import keccak as eth_keccak
from hypothesis import given
from hypothesis import strategies as st

from node.trace import keccak256, match_seed
from node.trace.keccak import keccak256_reference


def test_keccak_known_vector() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


@given(st.binary(max_size=600))
def test_fast_keccak_equals_references(data: bytes) -> None:
    assert keccak256(data) == keccak256_reference(data) == eth_keccak(data)


def test_fast_keccak_is_thread_safe() -> None:
    errors: list[bytes] = []

    def work(tag: int) -> None:
        for i in range(500):
            data = bytes([tag]) * (i % 300)
            if keccak256(data) != eth_keccak(data):
                errors.append(data)

    threads = [threading.Thread(target=work, args=(tag,)) for tag in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


@given(st.binary(min_size=32, max_size=32), st.integers(0, 2**256 - 1), st.integers(0, 2**256 - 1))
def test_match_seed_is_keccak_of_abi_encode(round_seed: bytes, agent: int, index: int) -> None:
    expected = eth_keccak(encode(["bytes32", "uint256", "uint256"], [round_seed, agent, index]))
    assert match_seed(round_seed, agent, index) == expected


def test_match_seed_rejects_bad_input() -> None:
    import pytest

    with pytest.raises(ValueError, match="32 bytes"):
        match_seed(b"\0" * 31, 0, 0)
    with pytest.raises(ValueError, match="agent_id"):
        match_seed(b"\0" * 32, -1, 0)
    with pytest.raises(ValueError, match="match_index"):
        match_seed(b"\0" * 32, 0, 2**256)
