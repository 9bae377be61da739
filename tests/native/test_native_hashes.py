"""The native engine's hashes against the Python reference: keccak256 and the RFC 9162 root."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.merkle import root_from_leaf_hashes
from node.native.library import Library, keccak256, load, use_sha_extensions
from node.native.library import root_from_leaf_hashes as native_root
from node.trace.keccak import keccak256_reference


@pytest.fixture(scope="module")
def library() -> Library:
    loaded, reason = load()
    if loaded is None:
        pytest.fail(f"the native engine is not built: {reason}")
    return loaded


@settings(max_examples=400, deadline=None)
@given(data=st.binary(max_size=700))
def test_keccak256_matches_pycryptodome(library: Library, data: bytes) -> None:
    assert keccak256(library, data) == keccak256_reference(data)


def test_keccak256_at_every_block_boundary(library: Library) -> None:
    for length in range(0, 3 * 136 + 2):
        data = bytes((i * 7 + length) % 256 for i in range(length))
        assert keccak256(library, data) == keccak256_reference(data), length


@pytest.mark.parametrize("extensions", [True, False], ids=["sha-extensions", "portable"])
@settings(max_examples=150, deadline=None)
@given(hashes=st.lists(st.binary(min_size=32, max_size=32), max_size=140))
def test_root_matches_python(library: Library, extensions: bool, hashes: list[bytes]) -> None:
    use_sha_extensions(library, extensions)
    try:
        assert native_root(library, hashes) == root_from_leaf_hashes(hashes)
    finally:
        use_sha_extensions(library, True)


def test_portable_sha256_is_really_used(library: Library) -> None:
    """Without the extensions the portable compression runs (and still agrees)."""
    assert use_sha_extensions(library, False) is False
    try:
        leaves = [hashlib.sha256(bytes([i])).digest() for i in range(5)]
        assert native_root(library, leaves) == root_from_leaf_hashes(leaves)
    finally:
        use_sha_extensions(library, True)
