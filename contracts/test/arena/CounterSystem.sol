// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../../src/interfaces/ISystem.sol";

/// @notice Test-only system: each turn a hidden target in 0..3 is drawn from the seed
///         (keccak256(abi.encode(seed, turn)) % 4); the agent observes it and earns 3 points when its
///         action equals it. The match ends after maxTurns; a forfeit scores FORFEIT_SCORE.
///         State: encodePacked(uint8 status, uint32 turn, uint32 maxTurns, int64 total, bytes32 seed),
///         status 0 running, 1 finished, 2 forfeited. Params: encodePacked(uint32 maxTurns).
contract CounterSystem is ISystem {
    int64 public constant FORFEIT_SCORE = -100;

    error BadState();
    error BadParams();

    function systemId() external pure returns (uint16) {
        return 900;
    }

    function initialState(bytes32 seed, bytes calldata params) external pure returns (bytes memory) {
        if (params.length != 4) revert BadParams();
        uint32 maxTurns = uint32(bytes4(params[0:4]));
        if (maxTurns == 0) revert BadParams();
        return abi.encodePacked(uint8(0), uint32(0), maxTurns, int64(0), seed);
    }

    function observe(bytes calldata state, uint8 abiVersion) external pure returns (bytes memory) {
        (, uint32 turn,,, bytes32 seed) = _decode(state);
        uint8 target = _target(seed, turn);
        if (abiVersion == 0) return abi.encodePacked(uint64(target));
        return abi.encodePacked(turn, target);
    }

    function toAction(bytes calldata state, int64 value) external pure returns (bool valid, uint64 action) {
        _decode(state);
        if (value < 0 || value > 3) return (false, 0);
        return (true, uint64(value));
    }

    function step(bytes calldata state, uint64 action) external pure returns (bytes memory) {
        (uint8 status, uint32 turn, uint32 maxTurns, int64 total, bytes32 seed) = _decode(state);
        if (status != 0) revert BadState();
        if (action == _target(seed, turn)) total += 3;
        turn += 1;
        return abi.encodePacked(turn == maxTurns ? uint8(1) : uint8(0), turn, maxTurns, total, seed);
    }

    function forfeit(bytes calldata state) external pure returns (bytes memory) {
        (, uint32 turn, uint32 maxTurns, int64 total, bytes32 seed) = _decode(state);
        return abi.encodePacked(uint8(2), turn, maxTurns, total, seed);
    }

    function isDone(bytes calldata state) external pure returns (bool) {
        (uint8 status,,,,) = _decode(state);
        return status != 0;
    }

    function score(bytes calldata state) external pure returns (int64) {
        (uint8 status,,, int64 total,) = _decode(state);
        return status == 2 ? FORFEIT_SCORE : total;
    }

    function _target(bytes32 seed, uint32 turn) internal pure returns (uint8) {
        return uint8(uint256(keccak256(abi.encode(seed, uint256(turn)))) % 4);
    }

    function _decode(bytes calldata s)
        internal
        pure
        returns (uint8 status, uint32 turn, uint32 maxTurns, int64 total, bytes32 seed)
    {
        if (s.length != 49) revert BadState();
        status = uint8(s[0]);
        turn = uint32(bytes4(s[1:5]));
        maxTurns = uint32(bytes4(s[5:9]));
        total = int64(uint64(bytes8(s[9:17])));
        seed = bytes32(s[17:49]);
    }
}
