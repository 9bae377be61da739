// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDecisionVerifier} from "./IDecisionVerifier.sol";

/// @title ICompiledDecisionVerifier
/// @notice A decision verifier that separates validation (once, at registration) from execution
///         (every one-step proof). The Arena stores keccak256 of `compile`'s program; the proof
///         supplies that program and `run` executes it without re-validating, so the proof's gas
///         does not grow with the cost of validating a hostile module.
interface ICompiledDecisionVerifier is IDecisionVerifier {
    /// @notice Validates `code` against agent profile v1 and compiles it.
    /// @return valid False when the module is outside the profile (`invalid_module`).
    /// @return abiVersion 0 or 1 when valid.
    /// @return program The compiled program (empty when invalid); deterministic in `code`.
    function compile(bytes calldata code)
        external
        view
        returns (bool valid, uint8 abiVersion, bytes memory program);

    /// @notice Runs one `decide` call of a program `compile` returned, as `decide` does for its code.
    /// @dev Trusts `program`: callers must check it against a hash of `compile`'s output.
    function run(bytes calldata program, uint8 abiVersion, bytes calldata observation, uint64 fuel)
        external
        view
        returns (uint8 outcome, int64 value, uint64 fuelUsed);
}
