"""Revert and log decoding on web3's contract objects, including hostile revert data."""

from __future__ import annotations

import pickle

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st
from web3 import Web3

from adapters.anvil import Anvil
from adapters.build import Artifact
from adapters.errors import ChainError
from adapters.keys import anvil_account
from adapters.web3chain import AbiEncodingError, BoundContract, ErrorTable, Web3Chain

OWNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
PROBE_AT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
NOT_OWNER = {
    "type": "error",
    "name": "NotOwner",
    "inputs": [{"name": "c", "type": "address"}, {"name": "x", "type": "uint256"}],
}


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def probe(artifacts: dict[str, Artifact]) -> BoundContract:
    return BoundContract(Web3(), "Probe", PROBE_AT, artifacts["Probe"].abi)


def test_custom_error_decodes_to_its_name_and_args(probe_artifacts: dict[str, Artifact]) -> None:
    table = ErrorTable([probe_artifacts["Probe"].abi])
    lower = OWNER.lower()  # the checksummed address comes back whatever the encoding
    data = selector("NotOwner(address,uint256)") + encode(["address", "uint256"], [lower, 7])
    error = table.decode(data)
    assert error == ChainError("NotOwner", (OWNER, 7))
    assert error.name == "NotOwner"
    assert error.args == (OWNER, 7)
    assert str(error) == f"NotOwner('{OWNER}', 7)"


def test_builtin_errors_decode_without_an_abi() -> None:
    table = ErrorTable()
    assert table.decode(selector("Error(string)") + encode(["string"], ["nope"])) == ChainError(
        "Error", ("nope",)
    )
    assert table.decode(selector("Panic(uint256)") + encode(["uint256"], [0x12])) == ChainError(
        "Panic", (0x12,)
    )
    assert table.decode(b"").name == "Revert"
    unknown = table.decode(b"\xde\xad\xbe\xef")
    assert unknown.name == "UnknownError"
    assert unknown.args == (b"\xde\xad\xbe\xef",)


@given(st.binary(max_size=200))
def test_any_revert_data_becomes_a_chain_error(data: bytes) -> None:
    error = ErrorTable([[NOT_OWNER]]).decode(data)
    assert isinstance(error, ChainError)
    assert error.data == data


@given(st.binary(max_size=100))
def test_truncated_custom_error_data_never_crashes(tail: bytes) -> None:
    error = ErrorTable([[NOT_OWNER]]).decode(selector("NotOwner(address,uint256)") + tail)
    assert error.name in ("NotOwner", "UnknownError")


def test_chain_error_pickles_with_name_and_args() -> None:
    error = ChainError("TooLarge", (101, 100), data=b"\x01", tx_hash=b"\x02" * 32)
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error
    assert copy.tx_hash == error.tx_hash


def _log(topics: list[bytes], data: bytes) -> dict[str, object]:
    return {
        "address": PROBE_AT,
        "topics": topics,
        "data": data,
        "blockNumber": 1,
        "blockHash": b"\x01" * 32,
        "logIndex": 0,
        "transactionIndex": 0,
        "transactionHash": b"\x02" * 32,
    }


def test_log_decoding_splits_indexed_and_data(probe_artifacts: dict[str, Artifact]) -> None:
    bound = probe(probe_artifacts)
    topics = [
        keccak(text="Hit(uint256,address,string)"),
        (42).to_bytes(32, "big"),
        bytes(12) + bytes.fromhex(OWNER[2:]),
    ]
    decoded = bound.decode_log(_log(topics, encode(["string"], ["hello"])))  # type: ignore[arg-type]
    assert decoded == ("Hit", {"id": 42, "by": OWNER, "note": "hello"})
    assert bound.decode_log(_log(topics[:2], b"")) is None  # type: ignore[arg-type]
    assert bound.decode_log(_log([b"\x00" * 32], b"")) is None  # type: ignore[arg-type]
    assert bound.decode_log(_log(topics, b"\x01")) is None  # type: ignore[arg-type]


@given(st.lists(st.binary(min_size=32, max_size=32), max_size=4), st.binary(max_size=160))
def test_hostile_logs_are_skipped_not_raised(topics: list[bytes], data: bytes) -> None:
    bound = BoundContract(Web3(), "Probe", PROBE_AT, PROBE_EVENTS)
    hit = keccak(text="Hit(uint256,address,string)")
    for head in ([], [hit]):
        decoded = bound.decode_log(_log(head + topics, data))  # type: ignore[arg-type]
        assert decoded is None or decoded[0] == "Hit"


PROBE_EVENTS = [
    {
        "type": "event",
        "name": "Hit",
        "anonymous": False,
        "inputs": [
            {"name": "id", "type": "uint256", "indexed": True},
            {"name": "by", "type": "address", "indexed": True},
            {"name": "note", "type": "string", "indexed": False},
        ],
    }
]


def test_bad_arguments_and_return_data_are_adapter_errors(
    probe_artifacts: dict[str, Artifact],
) -> None:
    bound = probe(probe_artifacts)
    with pytest.raises(AbiEncodingError, match="hit"):
        bound.encode("hit", ("x", 1))
    with pytest.raises(AbiEncodingError, match="no function"):
        bound.encode("nope", ())
    assert bound.encode("count", ()) == selector("count()")


@pytest.mark.anvil
def test_undecodable_return_data_is_an_adapter_error(
    anvil: Anvil, probe_artifacts: dict[str, Artifact]
) -> None:
    chain = Web3Chain(anvil.url, anvil_account(9))
    chain.bind("Nowhere", "0x" + "00" * 19 + "77", probe_artifacts["Probe"].abi)  # no code there
    with pytest.raises(AbiEncodingError, match="cannot decode"):
        chain.call("Nowhere", "count")
    assert chain.call("Nowhere", "bump") is None  # no outputs: nothing to decode
