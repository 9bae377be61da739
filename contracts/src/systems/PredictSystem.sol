// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../interfaces/ISystem.sol";
import {SystemLib} from "./SystemLib.sol";

/// @title PredictSystem
/// @notice Predict the next value of a seeded byte sequence, byte-identical to
///         node/systems/predict.py. State: status u8 | seed bytes32 | counter u64 | length u16 |
///         noise u8 | histLen u8 | steps u16 | score u32 | kind u8 | a u8 | b u8 | c u8 |
///         period u8 | pattern u8[8] | history u8[histLen] (newest first).
contract PredictSystem is ISystem {
    // Every narrowing cast below writes a value already bounded by the system's rules (cells,
    // counts, moves, bytes), which the differential test pins against the Python twin.
    // forge-lint: disable-start(unsafe-typecast)
    using SystemLib for bytes;

    uint256 private constant HEADER = 64;
    uint256 private constant GEN = 51;
    uint8 private constant DONE = 1;

    /// @inheritdoc ISystem
    function systemId() external pure returns (uint16) {
        return 4;
    }

    /// @inheritdoc ISystem
    function initialState(bytes32 seed, bytes calldata params) external pure returns (bytes memory out) {
        if (params.length != 4) revert SystemLib.BadParams("params");
        uint256 length = uint16(bytes2(params[0:2]));
        uint256 noise = uint8(params[2]);
        uint256 histLen = uint8(params[3]);
        if (length == 0 || length > 10_000) revert SystemLib.BadParams("length");
        if (noise > 50) revert SystemLib.BadParams("noise");
        if (histLen < 2 || histLen > 32) revert SystemLib.BadParams("history");
        uint256 r0 = SystemLib.draw(seed, 0);
        out = new bytes(HEADER + histLen);
        SystemLib.put(out, 1, uint256(seed), 32);
        SystemLib.put(out, 33, 1 + histLen, 8);
        SystemLib.put(out, 41, (length << 16) | (noise << 8) | histLen, 4);
        uint256 g = ((r0 % 4) << 32) | ((1 + 2 * ((r0 >> 8) % 8)) << 24) | (((r0 >> 16) % 4) << 16)
            | (((r0 >> 24) % 256) << 8) | (2 + (r0 >> 32) % 7);
        for (uint256 i = 0; i < 8; ++i) {
            g = (g << 8) | ((r0 >> (40 + 8 * i)) % 256);
        }
        SystemLib.put(out, GEN, g, 13);
        _warmUp(out, seed, g, (r0 >> 104) % 256, (r0 >> 112) % 256);
    }

    /// @dev Generates the histLen warm-up values (draws 1..histLen) into the history, newest first.
    function _warmUp(bytes memory out, bytes32 seed, uint256 g, uint256 h0, uint256 h1) private pure {
        uint256 noise = uint8(out[43]);
        uint256 histLen = uint8(out[44]);
        for (uint256 t = 0; t < histLen; ++t) {
            uint256 x = _next(g, noise, t, h0, h1, SystemLib.draw(seed, 1 + t));
            out[HEADER + histLen - 1 - t] = bytes1(uint8(x));
            (h0, h1) = (x, h0);
        }
    }

    /// @inheritdoc ISystem
    function observe(bytes calldata state, uint8 abiVersion) external pure returns (bytes memory) {
        uint256 histLen = _check(state);
        if (abiVersion == 0) {
            uint256 v;
            for (uint256 i = 0; i < 8 && i < histLen; ++i) {
                v |= state.cd8(HEADER + i) << (8 * i);
            }
            return abi.encodePacked(uint64(v));
        }
        if (abiVersion != 1) revert SystemLib.BadAbiVersion();
        return bytes.concat(state[45:47], state[41:43], state[44:45], state[HEADER:HEADER + histLen]);
    }

    /// @inheritdoc ISystem
    function toAction(bytes calldata, int64 value) external pure returns (bool valid, uint64 action) {
        return (true, uint64(value) % 256);
    }

    /// @inheritdoc ISystem
    function step(bytes calldata state, uint64 action) external pure returns (bytes memory out) {
        uint256 histLen = _check(state);
        if (uint8(state[0]) != SystemLib.RUNNING) revert SystemLib.TerminalState();
        if (action > 255) revert SystemLib.BadAction();
        uint256 counter = state.cd64(33);
        uint256 steps = state.cd16(45);
        uint256 x = _actual(state, histLen + steps, SystemLib.draw(bytes32(state[1:33]), counter));
        out = bytes.concat(state[0:HEADER], bytes1(uint8(x)), state[HEADER:HEADER + histLen - 1]);
        SystemLib.put(out, 33, counter + 1, 8);
        SystemLib.put(out, 45, steps + 1, 2);
        uint256 diff = action > x ? action - x : x - action;
        if (diff < 4) SystemLib.put(out, 47, state.cd32(47) + 4 - diff, 4);
        if (steps + 1 == state.cd16(41)) out[0] = bytes1(DONE);
    }

    /// @dev The hidden value number t of a state's sequence, from draw r.
    function _actual(bytes calldata state, uint256 t, uint256 r) private pure returns (uint256) {
        uint256 g;
        assembly ("memory-safe") {
            g := shr(152, calldataload(add(state.offset, GEN)))
        }
        return _next(g, state.cd8(43), t, state.cd8(HEADER), state.cd8(HEADER + 1), r);
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
        if (uint8(state[0]) == SystemLib.FORFEIT) return -1;
        return int64(uint64(state.cd32(47)));
    }

    /// @dev Value number t from the generator g (kind, a, b, c, period, pattern[8] as 13 bytes),
    ///      the previous values h0 (newest) and h1, and draw r.
    function _next(uint256 g, uint256 noise, uint256 t, uint256 h0, uint256 h1, uint256 r)
        private
        pure
        returns (uint256)
    {
        if (r % 100 < noise) return (r >> 8) % 256;
        uint256 kind = (g >> 96) & 0xFF;
        uint256 c = (g >> 72) & 0xFF;
        if (kind == 0) return (((g >> 88) & 0xFF) * h0 + c) % 256;
        if (kind == 1) return (g >> (56 - 8 * (t % ((g >> 64) & 0xFF)))) & 0xFF;
        if (kind == 2) return (h0 + h1 + c) % 256;
        return (((g >> 80) & 0xFF) * h0 + h1 + c) % 256;
    }

    /// @dev Structural checks that keep every read in bounds; returns the history length.
    function _check(bytes calldata state) private pure returns (uint256 histLen) {
        if (state.length < HEADER) revert SystemLib.BadState();
        histLen = state.cd8(44);
        if (histLen < 2 || state.length != HEADER + histLen || state.cd8(55) == 0) revert SystemLib.BadState();
    }
    // forge-lint: disable-end(unsafe-typecast)
}
