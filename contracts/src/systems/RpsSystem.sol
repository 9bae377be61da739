// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../interfaces/ISystem.sol";
import {SystemLib} from "./SystemLib.sol";

/// @title RpsSystem
/// @notice Rock-paper-scissors against a seeded patterned opponent, byte-identical to
///         node/systems/rps.py. State: status u8 | seed bytes32 | counter u64 | rounds u16 |
///         histLen u8 | round u16 | wins u16 | losses u16 | kind u8 | a u8 | b u8 | plen u8 |
///         pattern u8[5] | noise u8 | history u8[histLen] (newest first, agent << 4 | opponent).
contract RpsSystem is ISystem {
    // Every narrowing cast below writes a value already bounded by the system's rules (cells,
    // counts, moves, bytes), which the differential test pins against the Python twin.
    // forge-lint: disable-start(unsafe-typecast)
    using SystemLib for bytes;

    uint256 private constant HEADER = 60;
    uint8 private constant DONE = 1;
    uint256 private constant EMPTY = 0xFF;

    /// @inheritdoc ISystem
    function systemId() external pure returns (uint16) {
        return 2;
    }

    /// @inheritdoc ISystem
    function initialState(bytes32 seed, bytes calldata params) external pure returns (bytes memory out) {
        if (params.length != 3) revert SystemLib.BadParams("params");
        uint256 rounds = uint16(bytes2(params[0:2]));
        uint256 histLen = uint8(params[2]);
        if (rounds == 0 || rounds > 10_000) revert SystemLib.BadParams("rounds");
        if (histLen == 0 || histLen > 32) revert SystemLib.BadParams("history");
        uint256 r0 = SystemLib.draw(seed, 0);
        out = new bytes(HEADER + histLen);
        SystemLib.put(out, 1, uint256(seed), 32);
        SystemLib.put(out, 33, 1, 8);
        SystemLib.put(out, 41, (rounds << 8) | histLen, 3);
        // round, wins, losses start at zero (bytes 44..50).
        SystemLib.put(out, 50, ((r0 % 4) << 24) | (((r0 >> 8) % 3) << 16) | (((r0 >> 16) % 3) << 8), 4);
        out[53] = bytes1(uint8(2 + (r0 >> 24) % 4));
        for (uint256 i = 0; i < 5; ++i) {
            out[54 + i] = bytes1(uint8((r0 >> (32 + 8 * i)) % 3));
        }
        out[59] = bytes1(uint8((r0 >> 80) % 21));
        for (uint256 i = 0; i < histLen; ++i) {
            out[HEADER + i] = bytes1(uint8(EMPTY));
        }
    }

    /// @inheritdoc ISystem
    function observe(bytes calldata state, uint8 abiVersion) external pure returns (bytes memory out) {
        uint256 histLen = _check(state);
        if (abiVersion == 0) {
            uint256 v = state.cd16(44);
            for (uint256 i = 0; i < 6; ++i) {
                v |= (i < histLen ? state.cd8(HEADER + i) : EMPTY) << (16 + 8 * i);
            }
            return abi.encodePacked(uint64(v));
        }
        if (abiVersion != 1) revert SystemLib.BadAbiVersion();
        out = new bytes(9 + 2 * histLen);
        SystemLib.put(out, 0, (state.cd16(44) << 48) | (state.cd16(41) << 32) | (state.cd32(46)), 8);
        out[8] = bytes1(uint8(histLen));
        for (uint256 i = 0; i < histLen; ++i) {
            uint256 e = state.cd8(HEADER + i);
            SystemLib.put(out, 9 + 2 * i, e == EMPTY ? 0xFFFF : ((e >> 4) << 8) | (e & 0xF), 2);
        }
    }

    /// @inheritdoc ISystem
    function toAction(bytes calldata, int64 value) external pure returns (bool valid, uint64 action) {
        return (true, uint64(value) % 3);
    }

    /// @inheritdoc ISystem
    function step(bytes calldata state, uint64 action) external pure returns (bytes memory out) {
        uint256 histLen = _check(state);
        if (uint8(state[0]) != SystemLib.RUNNING) revert SystemLib.TerminalState();
        if (action > 2) revert SystemLib.BadAction();
        uint256 counter = state.cd64(33);
        uint256 opp = _opponent(state, SystemLib.draw(bytes32(state[1:33]), counter));
        out = bytes.concat(state[0:HEADER], bytes1(uint8((action << 4) | opp)), state[HEADER:HEADER + histLen - 1]);
        SystemLib.put(out, 33, counter + 1, 8);
        if (action == (opp + 1) % 3) SystemLib.put(out, 46, state.cd16(46) + 1, 2);
        else if (opp == (action + 1) % 3) SystemLib.put(out, 48, state.cd16(48) + 1, 2);
        uint256 round = state.cd16(44) + 1;
        SystemLib.put(out, 44, round, 2);
        if (round == state.cd16(41)) out[0] = bytes1(DONE);
    }

    /// @inheritdoc ISystem
    function forfeit(bytes calldata state) external pure returns (bytes memory out) {
        _check(state);
        if (uint8(state[0]) != SystemLib.RUNNING) revert SystemLib.TerminalState();
        out = state;
        out[0] = bytes1(SystemLib.FORFEIT);
    }

    /// @inheritdoc ISystem
    function isDone(bytes calldata state) external pure returns (bool) {
        _check(state);
        return uint8(state[0]) != SystemLib.RUNNING;
    }

    /// @inheritdoc ISystem
    function score(bytes calldata state) external pure returns (int64) {
        _check(state);
        if (uint8(state[0]) == SystemLib.FORFEIT) return -int64(uint64(state.cd16(41))) - 1;
        return int64(uint64(state.cd16(46))) - int64(uint64(state.cd16(48)));
    }

    /// @dev The opponent's move this round from draw r; it never sees the current action.
    function _opponent(bytes calldata state, uint256 r) private pure returns (uint256) {
        if (r % 100 < state.cd8(59)) return (r >> 8) % 3;
        uint256 kind = state.cd8(50);
        uint256 a = state.cd8(51);
        uint256 b = state.cd8(52);
        uint256 round = state.cd16(44);
        if (kind == 0) return (a + round * (1 + b % 2)) % 3;
        if (kind == 1) return (r >> 16) % 100 < 60 ? a : (r >> 24) % 3;
        if (kind == 2) {
            uint256 last = state.cd8(HEADER);
            last = last == EMPTY ? a : last >> 4;
            return b % 2 == 0 ? last : (last + 1) % 3;
        }
        return state.cd8(54 + round % state.cd8(53));
    }

    /// @dev Structural checks that keep every read in bounds; returns the history length.
    function _check(bytes calldata state) private pure returns (uint256 histLen) {
        if (state.length < HEADER) revert SystemLib.BadState();
        histLen = state.cd8(43);
        if (histLen == 0 || state.length != HEADER + histLen || state.cd8(53) == 0) revert SystemLib.BadState();
    }
    // forge-lint: disable-end(unsafe-typecast)
}
