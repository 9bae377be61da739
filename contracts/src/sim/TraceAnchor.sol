// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TraceAnchor
/// @notice Public notary for simulator trace roots: anyone may anchor a root once; the
///         block, time, sender, scenario hash and seed are kept so a replay can be compared.
contract TraceAnchor {
    struct Anchor {
        uint64 blockNumber;
        uint64 timestamp;
        uint64 seed;
        address by;
        bytes32 scenarioHash;
    }

    mapping(bytes32 root => Anchor) private anchors;
    /// @notice Roots anchored so far.
    uint256 public anchorCount;

    error ZeroRoot();
    error AlreadyAnchored(bytes32 root, uint64 blockNumber);

    event Anchored(
        bytes32 indexed root, bytes32 indexed scenarioHash, uint64 seed, address by, uint64 blockNumber
    );

    /// @notice Record `root` as the trace root of the scenario `scenarioHash` run with `seed`.
    function anchor(bytes32 root, bytes32 scenarioHash, uint64 seed) external {
        if (root == bytes32(0)) revert ZeroRoot();
        Anchor storage existing = anchors[root];
        if (existing.blockNumber != 0) revert AlreadyAnchored(root, existing.blockNumber);
        anchors[root] = Anchor(uint64(block.number), uint64(block.timestamp), seed, msg.sender, scenarioHash);
        anchorCount += 1;
        emit Anchored(root, scenarioHash, seed, msg.sender, uint64(block.number));
    }

    /// @notice Where and how `root` was anchored; blockNumber 0 means never.
    function anchorOf(bytes32 root)
        external
        view
        returns (uint64 blockNumber, uint64 timestamp, uint64 seed, address by, bytes32 scenarioHash)
    {
        Anchor storage a = anchors[root];
        return (a.blockNumber, a.timestamp, a.seed, a.by, a.scenarioHash);
    }
}
