// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./utils/Vm.sol";

/// @notice Proves that forge runs with the project's solc shim and the cheatcodes declared in Vm.sol.
contract ToolchainTest is TestBase {
    function test_warpMovesTheClock() public {
        vm.warp(1_000_000);
        assertEq(block.timestamp, 1_000_000, "timestamp");
    }

    function testFuzz_sha256PrecompileMatchesBuiltin(bytes memory data) public view {
        (bool ok, bytes memory out) = address(2).staticcall(data);
        assertTrue(ok, "precompile call");
        assertEq(abi.decode(out, (bytes32)), sha256(data), "sha256");
    }
}
