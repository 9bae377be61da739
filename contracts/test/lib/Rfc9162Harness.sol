// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Rfc9162} from "../../src/lib/Rfc9162.sol";

/// @notice External face of the Rfc9162 library, for forge tests and the pytest differential.
contract Rfc9162Harness {
    function leafHash(bytes memory entry) external view returns (bytes32) {
        return Rfc9162.leafHash(entry);
    }

    function nodeHash(bytes32 left, bytes32 right) external view returns (bytes32) {
        return Rfc9162.nodeHash(left, right);
    }

    function rootOf(bytes[] memory entries) external view returns (bytes32) {
        return Rfc9162.rootOf(entries);
    }

    function rootFromProof(bytes memory entry, uint256 index, uint256 size, bytes32[] calldata proof)
        external
        view
        returns (bool ok, bytes32 root)
    {
        return Rfc9162.rootFromProof(Rfc9162.leafHash(entry), index, size, proof);
    }

    function verifyInclusion(bytes memory entry, uint256 index, uint256 size, bytes32[] calldata proof, bytes32 root)
        external
        view
        returns (bool)
    {
        return Rfc9162.verifyInclusion(entry, index, size, proof, root);
    }
}
