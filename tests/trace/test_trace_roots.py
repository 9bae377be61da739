"""Roots: pymerkle, node.merkle's fast fold and a textbook recursion agree; proofs are tight."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.merkle import leaf_hash, merkle_root, root_from_leaf_hashes
from node.trace import InclusionProof, MatchSummary, StepEntry, claim_root, prove_leaf, trace_root


def textbook_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.1 MTH, written straight from the definition."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + textbook_root(leaves[:k]) + textbook_root(leaves[k:])).digest()


leaf_lists = st.lists(st.binary(max_size=80), max_size=70)


@settings(max_examples=150)
@given(leaf_lists)
def test_three_root_implementations_agree(leaves: list[bytes]) -> None:
    fast = root_from_leaf_hashes([leaf_hash(leaf) for leaf in leaves])
    assert fast == merkle_root(leaves) == textbook_root(leaves)


def test_roots_agree_on_every_size_up_to_130() -> None:
    leaves = [i.to_bytes(4, "big") for i in range(130)]
    for size in range(131):
        assert root_from_leaf_hashes([leaf_hash(x) for x in leaves[:size]]) == textbook_root(
            leaves[:size]
        )


def test_trace_and_claim_roots_are_roots_over_encodings() -> None:
    entries = [StepEntry(i, bytes([i]) * 32, 0, i % 4, bytes([i + 1]) * 32) for i in range(11)]
    assert trace_root(entries) == merkle_root([e.encode() for e in entries])
    summaries = [MatchSummary(i, bytes([i]) * 32, trace_root(entries), 11, -i) for i in range(5)]
    assert claim_root(summaries) == merkle_root([s.encode() for s in summaries])
    assert trace_root([]) == hashlib.sha256(b"").digest()


def _flip(hex_text: str, byte: int) -> str:
    raw = bytearray(bytes.fromhex(hex_text[2:]))
    raw[byte % len(raw)] ^= 0x01
    return "0x" + raw.hex()


@settings(max_examples=60)
@given(st.lists(st.binary(min_size=1, max_size=77), min_size=1, max_size=40), st.data())
def test_proofs_verify_and_any_flipped_byte_fails(leaves: list[bytes], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = prove_leaf(leaves, index)
    assert proof.verify()
    assert proof.root == "0x" + merkle_root(leaves).hex()
    assert InclusionProof.from_json(proof.to_json()) == proof

    byte = data.draw(st.integers(0, 1_000))
    assert not InclusionProof(
        proof.index, proof.size, _flip(proof.leaf, byte), proof.proof, proof.root
    ).verify()
    assert not InclusionProof(
        proof.index, proof.size, proof.leaf, proof.proof, _flip(proof.root, byte)
    ).verify()
    if proof.proof:
        which = data.draw(st.integers(0, len(proof.proof) - 1))
        tampered = list(proof.proof)
        tampered[which] = _flip(tampered[which], byte)
        assert not InclusionProof(
            proof.index, proof.size, proof.leaf, tampered, proof.root
        ).verify()
        assert not InclusionProof(
            proof.index, proof.size, proof.leaf, proof.proof[:-1], proof.root
        ).verify()
    other = data.draw(st.integers(0, len(leaves) - 1))
    if other != index and leaves[other] != leaves[index]:
        assert not InclusionProof(other, proof.size, proof.leaf, proof.proof, proof.root).verify()


def test_every_step_of_a_trace_proves_against_its_root() -> None:
    entries = [StepEntry(i, bytes([i]) * 32, 0, 1, bytes([i + 1]) * 32).encode() for i in range(9)]
    root = "0x" + merkle_root(entries).hex()
    for index in range(9):
        proof = prove_leaf(entries, index)
        assert proof.root == root
        assert proof.verify()
        assert StepEntry.decode(bytes.fromhex(proof.leaf[2:])).step == index
    with pytest.raises(IndexError):
        prove_leaf(entries, 9)


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "not json",
        json.dumps({"index": 0, "size": 1, "leaf": "0x00", "proof": "0x", "root": "0x00"}),
        json.dumps({"index": "0", "size": 1, "leaf": "0x00", "proof": [], "root": "0x00"}),
        json.dumps({"index": 0, "size": 1, "leaf": "zz", "proof": [], "root": "0x00"}),
        json.dumps({"index": 0, "size": 1, "leaf": "0x", "proof": [1], "root": "0x"}),
        json.dumps({"index": 0, "size": 1, "leaf": "0x", "proof": ["0x"] * 65, "root": "0x"}),
    ],
)
def test_malformed_proof_json_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match=r"JSON|proof|index|leaf"):
        InclusionProof.from_json(text)


def test_malformed_proofs_do_not_verify() -> None:
    leaf = "0x" + b"x".hex()
    root = "0x" + merkle_root([b"x"]).hex()
    assert InclusionProof(0, 1, leaf, [], root).verify()
    assert not InclusionProof(0, 1, leaf, ["0x1234"], root).verify()
    assert not InclusionProof(1, 1, leaf, [], root).verify()
    assert not InclusionProof(-1, 1, leaf, [], root).verify()
    assert not InclusionProof(0, 1, "nothex", [], root).verify()
    assert not InclusionProof(0, 1, leaf, [], root[:-2]).verify()
