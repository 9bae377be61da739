// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SystemLib
/// @notice Shared helpers of the match systems: the keccak PRNG, big-endian field access on
///         calldata and memory, and the common errors. See docs/protocol/systems.md.
library SystemLib {
    /// @notice The state bytes are not a well-formed state of this system.
    error BadState();
    /// @notice step/forfeit was asked of a terminal state.
    error TerminalState();
    /// @notice A params field is missing or out of range; `field` names it.
    error BadParams(string field);
    /// @notice step was given an action outside the system's action range.
    error BadAction();
    /// @notice observe was asked for an ABI version other than 0 or 1.
    error BadAbiVersion();

    uint8 internal constant RUNNING = 0;
    uint8 internal constant FORFEIT = 0xFF;

    /// @notice PRNG draw: uint256(keccak256(abi.encode(seed, counter))).
    function draw(bytes32 seed, uint256 counter) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, counter)));
    }

    /// @dev Big-endian uint16 at `off`; the caller has checked the length.
    function cd16(bytes calldata s, uint256 off) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(240, calldataload(add(s.offset, off)))
        }
    }

    /// @dev Byte at `off`; the caller has checked the length.
    function cd8(bytes calldata s, uint256 off) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(248, calldataload(add(s.offset, off)))
        }
    }

    /// @dev Big-endian uint32 at `off`; the caller has checked the length.
    function cd32(bytes calldata s, uint256 off) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(224, calldataload(add(s.offset, off)))
        }
    }

    /// @dev Big-endian uint64 at `off`; the caller has checked the length.
    function cd64(bytes calldata s, uint256 off) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(192, calldataload(add(s.offset, off)))
        }
    }

    /// @dev Big-endian uint16 at `off` of a memory byte array; the caller has checked bounds.
    function mem16(bytes memory b, uint256 off) internal pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(240, mload(add(add(b, 32), off)))
        }
    }

    /// @dev Writes the low `width` bytes of `v` big-endian at `off`; the caller has checked bounds.
    function put(bytes memory b, uint256 off, uint256 v, uint256 width) internal pure {
        assembly ("memory-safe") {
            let p := add(add(b, 32), off)
            for { let i := 0 } lt(i, width) { i := add(i, 1) } {
                mstore8(add(p, i), shr(mul(8, sub(sub(width, 1), i)), v))
            }
        }
    }
}
