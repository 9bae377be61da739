// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Rfc9162
/// @notice RFC 9162 (Certificate Transparency v2) Merkle trees over SHA-256, byte-identical to
///         node/merkle.py and pymerkle: leaf = sha256(0x00 || entry), node = sha256(0x01 || l || r),
///         the left subtree of n leaves holds the largest power of two strictly below n.
///         Inclusion proofs are RFC 9162 audit paths (siblings from the leaf upwards, 0-based index).
library Rfc9162 {
    /// @notice sha256 of the empty string: the root of an empty tree.
    bytes32 internal constant EMPTY_ROOT = 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;

    error Sha256Failed();

    /// @notice Hash of one leaf: sha256(0x00 || entry).
    function leafHash(bytes memory entry) internal view returns (bytes32 digest) {
        assembly ("memory-safe") {
            let len := mload(entry)
            let ptr := mload(0x40)
            mstore8(ptr, 0x00)
            mcopy(add(ptr, 1), add(entry, 0x20), len)
            if iszero(staticcall(gas(), 0x02, ptr, add(len, 1), 0x00, 0x20)) {
                mstore(0x00, 0xc176b3c5) // Sha256Failed()
                revert(0x1c, 0x04)
            }
            digest := mload(0x00)
        }
    }

    /// @notice Hash of an interior node: sha256(0x01 || left || right).
    function nodeHash(bytes32 left, bytes32 right) internal view returns (bytes32 digest) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore8(ptr, 0x01)
            mstore(add(ptr, 0x01), left)
            mstore(add(ptr, 0x21), right)
            if iszero(staticcall(gas(), 0x02, ptr, 0x41, 0x00, 0x20)) {
                mstore(0x00, 0xc176b3c5) // Sha256Failed()
                revert(0x1c, 0x04)
            }
            digest := mload(0x00)
        }
    }

    /// @notice Root over already-hashed leaves (for small lists: O(n) memory, in place).
    /// @dev Folding pairs level by level and promoting an odd last node gives the same tree as
    ///      RFC 9162's recursive split. `hashes` is overwritten.
    function rootOfLeafHashes(bytes32[] memory hashes) internal view returns (bytes32) {
        uint256 n = hashes.length;
        if (n == 0) return EMPTY_ROOT;
        while (n > 1) {
            uint256 half = n >> 1;
            for (uint256 i; i < half; ++i) {
                hashes[i] = nodeHash(hashes[2 * i], hashes[2 * i + 1]);
            }
            if (n & 1 == 1) {
                hashes[half] = hashes[n - 1];
                n = half + 1;
            } else {
                n = half;
            }
        }
        return hashes[0];
    }

    /// @notice Root of a list of entries (sha256 of nothing when empty).
    function rootOf(bytes[] memory entries) internal view returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](entries.length);
        for (uint256 i; i < entries.length; ++i) {
            hashes[i] = leafHash(entries[i]);
        }
        return rootOfLeafHashes(hashes);
    }

    /// @notice Root implied by an audit path (RFC 9162 section 2.1.3.2).
    /// @return ok False when the proof is malformed for (index, size): wrong length or index >= size.
    /// @return root The computed root when ok.
    function rootFromProof(bytes32 leaf, uint256 index, uint256 size, bytes32[] calldata proof)
        internal
        view
        returns (bool ok, bytes32 root)
    {
        if (index >= size) return (false, bytes32(0));
        uint256 fn = index;
        uint256 sn = size - 1;
        root = leaf;
        for (uint256 i; i < proof.length; ++i) {
            if (sn == 0) return (false, bytes32(0));
            if (fn & 1 == 1 || fn == sn) {
                root = nodeHash(proof[i], root);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                root = nodeHash(root, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return (false, bytes32(0));
        return (true, root);
    }

    /// @notice True iff `proof` shows the leaf hash `leaf` at `index` in the tree of `size` with `root`.
    function verifyInclusion(bytes32 leaf, uint256 index, uint256 size, bytes32[] calldata proof, bytes32 root)
        internal
        view
        returns (bool)
    {
        (bool ok, bytes32 computed) = rootFromProof(leaf, index, size, proof);
        return ok && computed == root;
    }

    /// @notice True iff `proof` shows `entry` at `index` in the tree of `size` with `root`.
    function verifyInclusion(bytes memory entry, uint256 index, uint256 size, bytes32[] calldata proof, bytes32 root)
        internal
        view
        returns (bool)
    {
        return verifyInclusion(leafHash(entry), index, size, proof, root);
    }
}
