// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {WasmInterpreter} from "../../src/wasm/WasmInterpreter.sol";

/// @notice Test harness: many decisions / profile checks in one eth_call, for differential
///         fuzzing. Each case is its own external call (fresh memory, own gas accounting).
contract WasmBatch {
    WasmInterpreter public immutable interpreter;

    constructor(WasmInterpreter interpreter_) {
        interpreter = interpreter_;
    }

    /// @notice Per case: 1 << 255 | gasUsed << 136 | fuelUsed << 72 | uint64(value) << 8 | outcome,
    ///         or 0 when the call reverted.
    function decideMany(bytes[] calldata codes, bytes[] calldata observations, uint64[] calldata fuels)
        external
        view
        returns (uint256[] memory results)
    {
        results = new uint256[](codes.length);
        for (uint256 i = 0; i < codes.length; ++i) {
            uint256 before = gasleft();
            try interpreter.decide(codes[i], observations[i], fuels[i]) returns (
                uint8 outcome, int64 value, uint64 fuelUsed
            ) {
                uint256 spent = before - gasleft();
                results[i] = (1 << 255) | (spent << 136) | (uint256(fuelUsed) << 72)
                    | (uint256(uint64(value)) << 8) | outcome;
            } catch {
                results[i] = 0;
            }
        }
    }

    /// @notice Per case: 1 << 255 | valid << 8 | abiVersion, or 0 when the call reverted.
    function inspectMany(bytes[] calldata codes) external view returns (uint256[] memory results) {
        results = new uint256[](codes.length);
        for (uint256 i = 0; i < codes.length; ++i) {
            try interpreter.inspect(codes[i]) returns (bool valid, uint8 abiVersion) {
                results[i] = (1 << 255) | (valid ? 1 << 8 : 0) | abiVersion;
            } catch {
                results[i] = 0;
            }
        }
    }
}
