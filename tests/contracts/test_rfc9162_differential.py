"""The Solidity RFC 9162 library against node.merkle (pymerkle roots, RFC 9162 audit paths).

The library runs on a real anvil through a thin harness contract; every root, proof verdict
and proof-implied root must agree with the Python reference byte for byte.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3 import Web3

from adapters.anvil import Anvil
from adapters.build import compile_contracts
from adapters.toolchain import PROJECT_ROOT
from node import merkle

pytestmark = pytest.mark.anvil

SOURCES = ("contracts/src/lib/Rfc9162.sol", "contracts/test/lib/Rfc9162Harness.sol")


@pytest.fixture(scope="module")
def harness(anvil: Anvil) -> Any:
    """The Rfc9162Harness deployed on the session anvil."""
    sources = {path: (PROJECT_ROOT / path).read_text() for path in SOURCES}
    artifact = compile_contracts(sources)["Rfc9162Harness"]
    w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 120}))
    deployer = w3.eth.accounts[0]
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = w3.eth.wait_for_transaction_receipt(
        factory.constructor().transact({"from": deployer})
    )
    address = receipt["contractAddress"]
    assert address is not None
    return w3.eth.contract(address=address, abi=artifact.abi)


def _entries(rng: random.Random, size: int) -> list[bytes]:
    return [rng.randbytes(rng.choice((0, 1, 32, 77, 81))) for _ in range(size)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(min_value=0, max_value=300), seed=st.integers(min_value=0, max_value=2**32))
def test_roots_match_pymerkle(harness: Any, size: int, seed: int) -> None:
    entries = _entries(random.Random(seed), size)
    assert bytes(harness.functions.rootOf(entries).call()) == merkle.merkle_root(entries)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=st.integers(min_value=1, max_value=700),
    seed=st.integers(min_value=0, max_value=2**32),
    data=st.data(),
)
def test_python_proofs_verify_on_chain(
    harness: Any, size: int, seed: int, data: st.DataObject
) -> None:
    rng = random.Random(seed)
    entries = [rng.randbytes(77) for _ in range(size)]
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    root = merkle.root_from_leaf_hashes([merkle.leaf_hash(e) for e in entries])
    proof = merkle.inclusion_proof(entries, index)
    assert merkle.verify_inclusion(entries[index], index, size, proof, root)
    assert harness.functions.verifyInclusion(entries[index], index, size, proof, root).call()
    ok, implied = harness.functions.rootFromProof(entries[index], index, size, proof).call()
    assert ok
    assert bytes(implied) == root


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entry=st.binary(max_size=100),
    index=st.integers(min_value=0, max_value=1100),
    size=st.integers(min_value=0, max_value=1100),
    proof=st.lists(st.binary(min_size=32, max_size=32), max_size=14),
)
def test_arbitrary_proofs_agree_with_reference(
    harness: Any, entry: bytes, index: int, size: int, proof: list[bytes]
) -> None:
    """Hostile or malformed (index, size, proof) triples get the reference's exact verdict."""
    expected = merkle.root_from_proof(entry, index, size, proof)
    ok, implied = harness.functions.rootFromProof(entry, index, size, proof).call()
    assert ok == (expected is not None)
    if expected is not None:
        assert bytes(implied) == expected
        assert harness.functions.verifyInclusion(entry, index, size, proof, expected).call()


def test_tampered_proofs_fail(harness: Any) -> None:
    rng = random.Random(9162)
    for size in (2, 3, 5, 8, 13, 100, 257):
        entries = _entries(rng, size)
        root = merkle.merkle_root(entries)
        index = rng.randrange(size)
        proof = merkle.inclusion_proof(entries, index)
        assert harness.functions.verifyInclusion(entries[index], index, size, proof, root).call()
        position = rng.randrange(len(proof))
        tampered = list(proof)
        tampered[position] = bytes(b ^ 0xFF for b in tampered[position])
        assert not harness.functions.verifyInclusion(
            entries[index], index, size, tampered, root
        ).call()
        assert not harness.functions.verifyInclusion(
            entries[index], index, size + 1, proof, root
        ).call() or (merkle.verify_inclusion(entries[index], index, size + 1, proof, root))
