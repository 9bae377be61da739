// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "../utils/Vm.sol";
import {Rfc9162} from "../../src/lib/Rfc9162.sol";
import {Rfc9162Harness} from "./Rfc9162Harness.sol";
import {MerkleBuilder} from "./MerkleBuilder.sol";

contract Rfc9162Test is TestBase {
    Rfc9162Harness internal h;

    function setUp() public {
        h = new Rfc9162Harness();
    }

    function _entries(uint256 n, uint256 salt) internal pure returns (bytes[] memory entries) {
        entries = new bytes[](n);
        for (uint256 i; i < n; ++i) {
            entries[i] = abi.encodePacked(keccak256(abi.encode(salt, i)), uint8(i));
        }
    }

    /// @dev `size` salted entries, their reference root and the reference proof of `index`.
    function _tree(uint256 size, uint256 salt, uint256 index)
        internal
        view
        returns (bytes[] memory entries, bytes32 root, bytes32[] memory proof)
    {
        entries = _entries(size, salt);
        bytes32[] memory hashes = MerkleBuilder.leafHashes(entries);
        root = MerkleBuilder.root(hashes);
        proof = MerkleBuilder.proof(hashes, index);
    }

    function test_emptyRootIsSha256OfNothing() public view {
        assertEq(h.rootOf(new bytes[](0)), sha256(""), "empty root");
        assertEq(Rfc9162.EMPTY_ROOT, sha256(""), "constant");
    }

    function test_leafAndNodeHashPrefixes() public view {
        assertEq(h.leafHash(hex"abcd"), sha256(hex"00abcd"), "leaf");
        assertEq(h.leafHash(""), sha256(hex"00"), "empty leaf");
        bytes32 l = keccak256("l");
        bytes32 r = keccak256("r");
        assertEq(h.nodeHash(l, r), sha256(abi.encodePacked(hex"01", l, r)), "node");
    }

    /// @notice Known vector: pymerkle's root over the entries b"a", b"b", b"c".
    function test_threeLeafRootMatchesDefinition() public view {
        bytes[] memory e = new bytes[](3);
        e[0] = "a";
        e[1] = "b";
        e[2] = "c";
        bytes32 expected = sha256(
            abi.encodePacked(
                hex"01", sha256(abi.encodePacked(hex"01", sha256(hex"0061"), sha256(hex"0062"))), sha256(hex"0063")
            )
        );
        assertEq(h.rootOf(e), expected, "root abc");
    }

    function testFuzz_rootMatchesRecursiveDefinition(uint8 size, uint256 salt) public view {
        bytes[] memory entries = _entries(size, salt);
        assertEq(h.rootOf(entries), MerkleBuilder.root(MerkleBuilder.leafHashes(entries)), "root");
    }

    function testFuzz_everyProofVerifies(uint16 rawSize, uint16 rawIndex, uint256 salt) public view {
        uint256 size = 1 + uint256(rawSize) % 600;
        uint256 index = uint256(rawIndex) % size;
        (bytes[] memory entries, bytes32 root, bytes32[] memory proof) = _tree(size, salt, index);
        assertTrue(h.verifyInclusion(entries[index], index, size, proof, root), "valid proof");
        (bool ok, bytes32 computed) = h.rootFromProof(entries[index], index, size, proof);
        assertTrue(ok, "ok");
        assertEq(computed, root, "computed root");
    }

    function testFuzz_tamperedProofFails(uint16 rawSize, uint16 rawIndex, uint256 salt, uint8 which, bytes32 flip)
        public
        view
    {
        vm.assume(flip != bytes32(0));
        uint256 size = 2 + uint256(rawSize) % 600;
        uint256 index = uint256(rawIndex) % size;
        (bytes[] memory entries, bytes32 root, bytes32[] memory proof) = _tree(size, salt, index);
        proof[which % proof.length] ^= flip;
        assertTrue(!h.verifyInclusion(entries[index], index, size, proof, root), "tampered sibling");
    }

    function testFuzz_wrongIndexSizeOrEntryFails(uint16 rawSize, uint16 rawIndex, uint256 salt, uint16 other)
        public
        view
    {
        uint256 size = 2 + uint256(rawSize) % 600;
        uint256 index = uint256(rawIndex) % size;
        (bytes[] memory entries, bytes32 root, bytes32[] memory proof) = _tree(size, salt, index);
        uint256 otherIndex = uint256(other) % size;
        if (otherIndex != index) {
            assertTrue(!h.verifyInclusion(entries[index], otherIndex, size, proof, root), "other index");
        }
        assertTrue(!h.verifyInclusion(entries[index], index + size, size, proof, root), "index >= size");
        assertTrue(!h.verifyInclusion(abi.encodePacked(entries[index], hex"00"), index, size, proof, root), "entry");
        assertTrue(!h.verifyInclusion(entries[index], index, size, proof, bytes32(uint256(root) ^ 1)), "root");
    }

    function testFuzz_wrongLengthProofIsMalformed(uint16 rawSize, uint16 rawIndex, uint256 salt) public view {
        uint256 size = 1 + uint256(rawSize) % 600;
        uint256 index = uint256(rawIndex) % size;
        (bytes[] memory entries,, bytes32[] memory proof) = _tree(size, salt, index);
        bytes32[] memory longer = new bytes32[](proof.length + 1);
        for (uint256 i; i < proof.length; ++i) {
            longer[i] = proof[i];
        }
        (bool ok,) = h.rootFromProof(entries[index], index, size, longer);
        assertTrue(!ok, "longer proof");
        if (proof.length > 0) {
            bytes32[] memory shorter = new bytes32[](proof.length - 1);
            for (uint256 i; i < shorter.length; ++i) {
                shorter[i] = proof[i];
            }
            (ok,) = h.rootFromProof(entries[index], index, size, shorter);
            assertTrue(!ok, "shorter proof");
        }
    }

    function test_singleLeafTreeHasEmptyProof() public view {
        bytes[] memory e = _entries(1, 7);
        assertTrue(h.verifyInclusion(e[0], 0, 1, new bytes32[](0), h.leafHash(e[0])), "single");
        (bool ok,) = h.rootFromProof(e[0], 0, 0, new bytes32[](0));
        assertTrue(!ok, "size zero");
    }
}
