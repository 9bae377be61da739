// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDecisionVerifier
/// @notice Computes one agent decision on chain exactly as the off-chain sandbox does, so the
///         one-step proof trusts no verifier. In production: the WASM interpreter.
interface IDecisionVerifier {
    /// @notice Validates `code` against agent profile v1 and detects its ABI from the exports.
    /// @return valid False when the module is outside the profile (`invalid_module`).
    /// @return abiVersion 0 or 1 when valid.
    function inspect(bytes calldata code) external view returns (bool valid, uint8 abiVersion);

    /// @notice Runs one `decide` call of `code` on a fresh instance with a fuel budget.
    /// @param observation ABI v0: 8 bytes, a big-endian u64 (the i64 argument); ABI v1: the
    ///        bytes written at obs_ptr() before decide(len).
    /// @return outcome 0 ok, 1 trap, 2 out_of_fuel, 4 invalid_module (never 3: invalid_action
    ///         is the system's verdict on `value`).
    /// @return value decide's i64 result when outcome is 0, else 0.
    /// @return fuelUsed fuel consumed, counted with wasmtime's cost table.
    function decide(bytes calldata code, bytes calldata observation, uint64 fuel)
        external
        view
        returns (uint8 outcome, int64 value, uint64 fuelUsed);
}
