// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Rfc9162} from "../../src/lib/Rfc9162.sol";

/// @notice Test-only RFC 9162 tree builder written from the recursive definition (MTH and PATH of
///         RFC 9162 section 2.1), independent of the library's iterative code it checks.
library MerkleBuilder {
    function splitPoint(uint256 n) internal pure returns (uint256 k) {
        k = 1;
        while (k << 1 < n) k <<= 1;
    }

    /// @notice MTH over hashes[from, to).
    function root(bytes32[] memory hashes, uint256 from, uint256 to) internal view returns (bytes32) {
        uint256 n = to - from;
        if (n == 0) return Rfc9162.EMPTY_ROOT;
        if (n == 1) return hashes[from];
        uint256 k = splitPoint(n);
        return Rfc9162.nodeHash(root(hashes, from, from + k), root(hashes, from + k, to));
    }

    function root(bytes32[] memory hashes) internal view returns (bytes32) {
        return root(hashes, 0, hashes.length);
    }

    /// @notice PATH(index, hashes[from, to)): the audit path, siblings from the leaf upwards.
    function proof(bytes32[] memory hashes, uint256 index) internal view returns (bytes32[] memory out) {
        bytes32[] memory buffer = new bytes32[](256);
        uint256 len = _path(hashes, index, 0, hashes.length, buffer, 0);
        out = new bytes32[](len);
        for (uint256 i; i < len; ++i) {
            out[i] = buffer[i];
        }
    }

    function _path(
        bytes32[] memory hashes,
        uint256 index,
        uint256 from,
        uint256 to,
        bytes32[] memory buf,
        uint256 depth
    ) private view returns (uint256 len) {
        uint256 n = to - from;
        if (n <= 1) return depth;
        uint256 k = splitPoint(n);
        // The deeper siblings come first: recurse, then append this level's sibling.
        if (index < k) {
            len = _path(hashes, index, from, from + k, buf, depth);
            buf[len++] = root(hashes, from + k, to);
        } else {
            len = _path(hashes, index - k, from + k, to, buf, depth);
            buf[len++] = root(hashes, from, from + k);
        }
    }

    function leafHashes(bytes[] memory entries) internal view returns (bytes32[] memory hashes) {
        hashes = new bytes32[](entries.length);
        for (uint256 i; i < entries.length; ++i) {
            hashes[i] = Rfc9162.leafHash(entries[i]);
        }
    }
}
