"""Revert and log decoding through the ABI, including hostile revert data."""

from __future__ import annotations

import pickle

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from hypothesis import given
from hypothesis import strategies as st

from adapters.build import Artifact
from adapters.errors import ChainError
from adapters.web3chain import ContractAbi
from adapters.web3chain.abi import AbiEncodingError

OWNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def test_custom_error_decodes_to_its_name_and_args(probe_artifacts: dict[str, Artifact]) -> None:
    abi = ContractAbi(probe_artifacts["Probe"].abi)
    data = selector("NotOwner(address,uint256)") + encode(["address", "uint256"], [OWNER, 7])
    error = abi.decode_revert(data)
    assert error == ChainError("NotOwner", (OWNER, 7))
    assert error.name == "NotOwner"
    assert error.args == (OWNER, 7)
    assert str(error) == f"NotOwner('{OWNER}', 7)"


def test_builtin_errors_decode_without_an_abi() -> None:
    abi = ContractAbi([])
    assert abi.decode_revert(
        selector("Error(string)") + encode(["string"], ["nope"])
    ) == ChainError("Error", ("nope",))
    assert abi.decode_revert(
        selector("Panic(uint256)") + encode(["uint256"], [0x12])
    ) == ChainError("Panic", (0x12,))
    assert abi.decode_revert(b"").name == "Revert"
    unknown = abi.decode_revert(b"\xde\xad\xbe\xef")
    assert unknown.name == "UnknownError"
    assert unknown.args == (b"\xde\xad\xbe\xef",)


@given(st.binary(max_size=200))
def test_any_revert_data_becomes_a_chain_error(data: bytes) -> None:
    abi = ContractAbi([])
    error = abi.decode_revert(selector("NotOwner(address,uint256)")[:0] + data)
    assert isinstance(error, ChainError)
    assert error.data == data


@given(st.binary(max_size=100))
def test_truncated_custom_error_data_never_crashes(tail: bytes) -> None:
    abi = ContractAbi(
        [
            {
                "type": "error",
                "name": "NotOwner",
                "inputs": [{"name": "c", "type": "address"}, {"name": "x", "type": "uint256"}],
            }
        ]
    )
    error = abi.decode_revert(selector("NotOwner(address,uint256)") + tail)
    assert error.name in ("NotOwner", "UnknownError")


def test_chain_error_pickles_with_name_and_args() -> None:
    error = ChainError("TooLarge", (101, 100), data=b"\x01", tx_hash=b"\x02" * 32)
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error
    assert copy.tx_hash == error.tx_hash


def test_log_decoding_splits_indexed_and_data(probe_artifacts: dict[str, Artifact]) -> None:
    abi = ContractAbi(probe_artifacts["Probe"].abi)
    topics = [
        keccak(text="Hit(uint256,address,string)"),
        (42).to_bytes(32, "big"),
        bytes(12) + bytes.fromhex(OWNER[2:]),
    ]
    decoded = abi.decode_log(topics, encode(["string"], ["hello"]))
    assert decoded == ("Hit", {"id": 42, "by": OWNER, "note": "hello"})
    assert abi.decode_log(topics[:2], b"") is None  # wrong topic count: not this event
    assert abi.decode_log([b"\x00" * 32], b"") is None


def test_bad_arguments_and_return_data_are_adapter_errors(
    probe_artifacts: dict[str, Artifact],
) -> None:
    abi = ContractAbi(probe_artifacts["Probe"].abi)
    with pytest.raises(AbiEncodingError, match="hit"):
        abi.encode_call("hit", ("x", 1))
    with pytest.raises(AbiEncodingError, match="no function"):
        abi.encode_call("nope", ())
    with pytest.raises(AbiEncodingError, match="cannot decode"):
        abi.decode_output("count", b"\x01")
    assert abi.decode_output("count", (5).to_bytes(32, "big")) == 5
    assert abi.decode_output("bump", b"") is None
