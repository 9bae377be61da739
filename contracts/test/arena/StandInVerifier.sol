// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICompiledDecisionVerifier} from "../../src/interfaces/ICompiledDecisionVerifier.sol";

/// @notice Test-only stand-in for the WASM interpreter. A "module" is any bytes whose first byte
///         names a known behaviour; the decision is a fixed function of the observation's last byte:
///         0x00 echo (abi v0), 0x01 echo (abi v1), 0x02 echo + 1 (invalid action when 3 is seen),
///         0x03 always traps, 0x04 needs 500 fuel, 0x05 answers 0. Empty or 0xFF: invalid module.
///         Its compiled program is the module itself.
contract StandInVerifier is ICompiledDecisionVerifier {
    function inspect(bytes calldata code) public pure returns (bool valid, uint8 abiVersion) {
        if (code.length == 0 || uint8(code[0]) > 0x05) return (false, 0);
        return (true, uint8(code[0]) == 0x01 ? 1 : 0);
    }

    function compile(bytes calldata code) external pure returns (bool valid, uint8 abiVersion, bytes memory program) {
        (valid, abiVersion) = inspect(code);
        if (valid) program = code;
    }

    function run(bytes calldata program, uint8, bytes calldata observation, uint64 fuel)
        external
        pure
        returns (uint8 outcome, int64 value, uint64 fuelUsed)
    {
        return decide(program, observation, fuel);
    }

    function decide(bytes calldata code, bytes calldata observation, uint64 fuel)
        public
        pure
        returns (uint8 outcome, int64 value, uint64 fuelUsed)
    {
        if (code.length == 0 || uint8(code[0]) > 0x05) return (4, 0, 0);
        uint8 kind = uint8(code[0]);
        int64 seen = observation.length == 0 ? int64(0) : int64(uint64(uint8(observation[observation.length - 1])));
        if (kind == 0x03) return (1, 0, 7);
        if (kind == 0x04 && fuel < 500) return (2, 0, fuel);
        if (kind == 0x02) return (0, seen + 1, 12);
        if (kind == 0x05) return (0, 0, 3);
        return (0, seen, 10);
    }
}
