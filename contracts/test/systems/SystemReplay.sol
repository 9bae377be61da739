// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../../src/interfaces/ISystem.sol";

/// @notice Test helper: replays a whole match in one eth_call so differential tests stay fast.
contract SystemReplay {
    /// @notice Runs `values` (decide results) from the initial state until a terminal state.
    /// @return hashes keccak256 of every state, the initial one first.
    /// @return observations keccak256(observe(v0) ++ observe(v1)) of every state.
    /// @return scores score of every state.
    function replay(ISystem system, bytes32 seed, bytes calldata params, int64[] calldata values)
        external
        pure
        returns (bytes32[] memory hashes, bytes32[] memory observations, int64[] memory scores)
    {
        bytes memory state = system.initialState(seed, params);
        hashes = new bytes32[](values.length + 1);
        observations = new bytes32[](values.length + 1);
        scores = new int64[](values.length + 1);
        uint256 i = 0;
        for (;; ++i) {
            hashes[i] = keccak256(state);
            observations[i] = keccak256(bytes.concat(system.observe(state, 0), system.observe(state, 1)));
            scores[i] = system.score(state);
            if (i == values.length || system.isDone(state)) break;
            (bool valid, uint64 action) = system.toAction(state, values[i]);
            state = valid ? system.step(state, action) : system.forfeit(state);
        }
        assembly ("memory-safe") {
            let len := add(i, 1)
            mstore(hashes, len)
            mstore(observations, len)
            mstore(scores, len)
        }
    }
}
