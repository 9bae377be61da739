"""The cached calldata encoder against web3's ContractFunction: same bytes, or web3 judges."""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.grammar import ABIType, TupleType, parse
from eth_utils.address import to_checksum_address
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from web3 import Web3
from web3._utils.abi import map_abi_data
from web3._utils.normalizers import BASE_RETURN_NORMALIZERS

from adapters.select import arena_contract_set
from adapters.web3chain import AbiEncodingError, BoundContract
from adapters.web3chain.abi import plain
from adapters.web3chain.calldata import encoders

AT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def function(name: str, *types: str) -> dict[str, Any]:
    def component(index: int, kind: str) -> dict[str, Any]:
        if kind.startswith("("):
            inner = parse(kind)
            assert isinstance(inner, TupleType)
            suffix = kind[kind.rindex(")") + 1 :]
            parts = [c.to_type_str() for c in inner.components]
            return {
                "name": f"a{index}",
                "type": "tuple" + suffix,
                "components": [component(i, p) for i, p in enumerate(parts)],
            }
        return {"name": f"a{index}", "type": kind}

    inputs = [component(i, t) for i, t in enumerate(types)]
    return {"type": "function", "name": name, "inputs": inputs, "outputs": inputs}


SIGNATURES = [
    ("ints", "uint8", "uint256", "int16", "int256"),
    ("addr", "address"),
    ("flags", "bool", "bool"),
    ("blobs", "bytes", "bytes4", "bytes32"),
    ("text", "string"),
    ("lists", "uint256[]", "address[2]"),
    ("record", "(uint64,address,bytes)"),
    ("records", "(uint32,bool)[]"),
    ("nothing",),
]
ABI = [function(*signature) for signature in SIGNATURES] + [
    function("twice", "uint256"),
    function("twice", "address"),
]
CONTRACT = BoundContract(Web3(), "Synthetic", AT, ABI)


def values(kind: ABIType) -> st.SearchStrategy[Any]:
    """Values for ``kind``: mostly fitting, with the forms web3 normalizes or refuses."""
    if kind.is_array:
        size = kind.arrlist[-1][0] if kind.arrlist and kind.arrlist[-1] else None
        items = values(kind.item_type)
        lo, hi = (0, 3) if size is None else (max(size - 1, 0), size + 1)
        return st.lists(items, min_size=lo, max_size=hi) | st.lists(items, max_size=2).map(tuple)
    if isinstance(kind, TupleType):
        parts = st.tuples(*(values(c) for c in kind.components))
        return parts | parts.map(list) | parts.map(lambda p: {f"a{i}": v for i, v in enumerate(p)})
    base = kind.to_type_str()
    if base == "address":
        raw = st.binary(min_size=20, max_size=20)
        return (
            raw.map(lambda b: to_checksum_address(b))
            | raw.map(lambda b: "0x" + b.hex())
            | raw
            | st.just("not-an-address")
        )
    if base == "bool":
        return st.booleans() | st.integers(0, 1)
    if base == "string":
        return st.text(max_size=40) | st.binary(max_size=8)
    if base == "bytes":
        return st.binary(max_size=70) | st.binary(max_size=8).map(lambda b: "0x" + b.hex())
    if base.startswith("bytes"):
        size = int(base[5:])
        return st.binary(min_size=max(size - 1, 0), max_size=size + 1) | st.binary(
            min_size=size, max_size=size
        ).map(lambda b: "0x" + b.hex())
    bits = int(base.lstrip("uint") or 256)
    if base.startswith("uint"):
        return st.integers(-1, 2**bits) | st.booleans()
    return st.integers(-(2 ** (bits - 1)) - 1, 2 ** (bits - 1))


def web3_calldata(contract: BoundContract, name: str, args: tuple[Any, ...]) -> bytes | None:
    """web3's own calldata for the call, None when web3 refuses the arguments."""
    try:
        built = contract.contract.functions[name](*args)
        return bytes.fromhex(built._encode_transaction_data()[2:])
    except Exception:  # any refusal: the property is about the bytes
        return None


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, tuple[Any, ...]]:
    name, *types = draw(st.sampled_from(SIGNATURES))
    args = tuple(draw(values(parse(t))) for t in types)
    if draw(st.integers(0, 9)) == 0:
        args = args[:-1] if args else (1,)  # the wrong number of arguments
    return name, args


@settings(max_examples=400, deadline=None)
@given(calls())
def test_fast_path_is_web3s_bytes_or_defers(call: tuple[str, tuple[Any, ...]]) -> None:
    name, args = call
    expected = web3_calldata(CONTRACT, name, args)
    fast = CONTRACT.encoders[name].encode(args)
    if fast is not None:
        assert fast == expected
    try:
        got: bytes | None = CONTRACT.encode(name, args)
    except (AbiEncodingError, ValueError, TypeError):
        got = None
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_return_data_decodes_as_web3_hands_it_to_the_adapter(data: st.DataObject) -> None:
    name, *types = data.draw(st.sampled_from(SIGNATURES))
    fitting = data.draw(st.tuples(*(values(parse(t)) for t in types)))
    encoder = CONTRACT.encoders[name]
    try:
        encoded: bytes | None = encoder.codec.encode(encoder.types, fitting)
    except Exception:  # an unfit draw: only return data a contract could send matters
        encoded = None
    assume(encoded is not None)
    assert encoded is not None
    decoded = encoder.codec.decode(encoder.output_types, encoded)
    # what web3's ContractFunction.call does with the same bytes, then the adapter's output()
    web3_view = map_abi_data(BASE_RETURN_NORMALIZERS, encoder.output_types, decoded)
    expected = plain(web3_view[0] if len(web3_view) == 1 else web3_view) if types else None
    assert encoder.decode(encoded) == expected


def test_plain_arguments_take_the_fast_path() -> None:
    record = (7, AT, b"\x01\x02")
    assert CONTRACT.encoders["record"].encode((record,)) is not None
    assert CONTRACT.encoders["lists"].encode(([1, 2], (AT, AT))) is not None
    assert CONTRACT.encoders["nothing"].encode(()) == CONTRACT.encode("nothing", ())


def test_overloads_and_unknown_names_are_left_to_web3() -> None:
    assert "twice" not in CONTRACT.encoders
    assert CONTRACT.encode("twice", (AT,)) == web3_calldata(CONTRACT, "twice", (AT,))
    with pytest.raises(AbiEncodingError, match="no function 'missing'"):
        CONTRACT.encode("missing", ())
    with pytest.raises(AbiEncodingError, match="cannot encode"):
        CONTRACT.encode("ints", (1, 2, 3))


def test_every_arena_function_has_a_cached_encoder() -> None:
    abis = {name: artifact.abi for name, artifact in arena_contract_set().artifacts.items()}
    for name, abi in abis.items():
        names = [item["name"] for item in abi if item.get("type") == "function"]
        unique = {n for n in names if names.count(n) == 1}
        assert set(encoders(abi, Web3().codec)) == unique, name
