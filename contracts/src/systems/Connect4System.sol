// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../interfaces/ISystem.sol";
import {SystemLib} from "./SystemLib.sol";

/// @title Connect4System
/// @notice Connect four (7 x 6) against a seeded opponent, byte-identical to
///         node/systems/connect4.py. State: status u8 | seed bytes32 | counter u64 | first u8 |
///         noise u8 | moves u8 | board u8[42] (index column * 6 + row, row 0 at the bottom;
///         0 empty, 1 agent, 2 opponent).
contract Connect4System is ISystem {
    // Every narrowing cast below writes a value already bounded by the system's rules (cells,
    // counts, moves, bytes), which the differential test pins against the Python twin.
    // forge-lint: disable-start(unsafe-typecast)
    using SystemLib for bytes;

    uint256 private constant HEADER = 44;
    uint256 private constant SIZE = 86;
    uint256 private constant COLS = 7;
    uint256 private constant ROWS = 6;
    uint8 private constant AGENT = 1;
    uint8 private constant OPPONENT = 2;
    uint8 private constant AGENT_WON = 1;
    uint8 private constant OPPONENT_WON = 2;
    uint8 private constant DRAW = 3;

    /// @inheritdoc ISystem
    function systemId() external pure returns (uint16) {
        return 3;
    }

    /// @inheritdoc ISystem
    function initialState(bytes32 seed, bytes calldata params) external pure returns (bytes memory out) {
        if (params.length != 2) revert SystemLib.BadParams("params");
        uint256 first = uint8(params[0]);
        uint256 noise = uint8(params[1]);
        if (first > 2) revert SystemLib.BadParams("first");
        if (noise > 100) revert SystemLib.BadParams("noise");
        out = new bytes(SIZE);
        SystemLib.put(out, 1, uint256(seed), 32);
        SystemLib.put(out, 41, (first << 8) | noise, 2);
        bool opponentFirst = first == 1;
        if (first == 2) {
            opponentFirst = SystemLib.draw(seed, 0) % 2 == 1;
            SystemLib.put(out, 33, 1, 8);
        }
        if (opponentFirst) _opponentPlays(out);
    }

    /// @inheritdoc ISystem
    function observe(bytes calldata state, uint8 abiVersion) external pure returns (bytes memory out) {
        _check(state);
        if (abiVersion == 0) {
            uint256 v;
            for (uint256 c = 0; c < COLS; ++c) {
                uint256 h = _heightCd(state, c);
                uint256 mask;
                for (uint256 r = 0; r < h; ++r) {
                    // forge-lint: disable-next-line(incorrect-shift)
                    if (state.cd8(HEADER + c * ROWS + r) == AGENT) mask |= 1 << r;
                }
                v |= (mask | (h << 6)) << (9 * c);
            }
            return abi.encodePacked(uint64(v));
        }
        if (abiVersion != 1) revert SystemLib.BadAbiVersion();
        bytes memory heights = new bytes(COLS);
        for (uint256 c = 0; c < COLS; ++c) {
            heights[c] = bytes1(uint8(_heightCd(state, c)));
        }
        return bytes.concat(state[43:44], heights, state[HEADER:SIZE]);
    }

    /// @inheritdoc ISystem
    function toAction(bytes calldata state, int64 value) external pure returns (bool valid, uint64 action) {
        _check(state);
        action = uint64(value) % 7;
        valid = state.cd8(HEADER + action * ROWS + ROWS - 1) == 0;
    }

    /// @inheritdoc ISystem
    function step(bytes calldata state, uint64 action) external pure returns (bytes memory out) {
        _check(state);
        if (uint8(state[0]) != SystemLib.RUNNING) revert SystemLib.TerminalState();
        if (action >= COLS || state.cd8(HEADER + action * ROWS + ROWS - 1) != 0) revert SystemLib.BadAction();
        out = state;
        uint256 row = _height(out, action);
        out[HEADER + action * ROWS + row] = bytes1(AGENT);
        uint256 moves = uint8(out[43]) + 1;
        out[43] = bytes1(uint8(moves));
        if (_wins(out, action, row, AGENT)) out[0] = bytes1(AGENT_WON);
        else if (moves == COLS * ROWS) out[0] = bytes1(DRAW);
        else _opponentPlays(out);
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
        uint8 status = uint8(state[0]);
        if (status == AGENT_WON) return 3;
        if (status == DRAW) return 1;
        if (status == SystemLib.FORFEIT) return -1;
        return 0;
    }

    /// @dev The opponent drops a disc (one PRNG draw) and the status is updated.
    function _opponentPlays(bytes memory s) private pure {
        uint256 counter;
        bytes32 seed;
        assembly ("memory-safe") {
            seed := mload(add(s, 33))
            counter := shr(192, mload(add(s, 65)))
        }
        uint256 col = _opponentColumn(s, SystemLib.draw(seed, counter));
        uint256 row = _height(s, col);
        s[HEADER + col * ROWS + row] = bytes1(OPPONENT);
        uint256 moves = uint8(s[43]) + 1;
        s[43] = bytes1(uint8(moves));
        SystemLib.put(s, 33, counter + 1, 8);
        if (_wins(s, col, row, OPPONENT)) s[0] = bytes1(OPPONENT_WON);
        else if (moves == COLS * ROWS) s[0] = bytes1(DRAW);
    }

    /// @dev Win if it can, block if it must (unless the draw says noise), else a centre-weighted
    ///      PRNG column among the playable ones.
    function _opponentColumn(bytes memory s, uint256 r) private pure returns (uint256) {
        uint256[7] memory heights;
        for (uint256 c = 0; c < COLS; ++c) {
            heights[c] = _height(s, c);
        }
        if (r % 100 >= uint8(s[42])) {
            for (uint8 p = OPPONENT; p >= AGENT; --p) {
                for (uint256 c = 0; c < COLS; ++c) {
                    if (heights[c] < ROWS && _wins(s, c, heights[c], p)) return c;
                }
            }
        }
        uint256 total;
        for (uint256 c = 0; c < COLS; ++c) {
            if (heights[c] < ROWS) total += _weight(c);
        }
        uint256 k = (r >> 8) % total;
        for (uint256 c = 0; c < COLS; ++c) {
            if (heights[c] < ROWS) {
                if (k < _weight(c)) return c;
                k -= _weight(c);
            }
        }
        revert SystemLib.BadState();
    }

    /// @dev Column weights 1 2 3 4 3 2 1.
    function _weight(uint256 c) private pure returns (uint256) {
        return c < 4 ? c + 1 : 7 - c;
    }

    /// @dev Would `p` have four in a row through (col, row) if it held that cell?
    function _wins(bytes memory s, uint256 col, uint256 row, uint8 p) private pure returns (bool) {
        if (_run(s, col, row, 1, 0, p) + _run(s, col, row, -1, 0, p) >= 3) return true;
        if (_run(s, col, row, 0, 1, p) + _run(s, col, row, 0, -1, p) >= 3) return true;
        if (_run(s, col, row, 1, 1, p) + _run(s, col, row, -1, -1, p) >= 3) return true;
        return _run(s, col, row, 1, -1, p) + _run(s, col, row, -1, 1, p) >= 3;
    }

    /// @dev Number of `p` discs in a line from (col, row), exclusive, stepping (dc, dr). A step
    ///      below zero wraps to a huge unsigned value and fails the bounds test.
    function _run(bytes memory s, uint256 col, uint256 row, int256 dc, int256 dr, uint8 p)
        private
        pure
        returns (uint256 n)
    {
        assembly ("memory-safe") {
            let board := add(s, add(32, HEADER))
            let c := add(col, dc)
            let r := add(row, dr)
            for {} 1 {} {
                if iszero(and(lt(c, COLS), lt(r, ROWS))) { break }
                if iszero(eq(byte(0, mload(add(board, add(mul(c, ROWS), r)))), p)) { break }
                n := add(n, 1)
                c := add(c, dc)
                r := add(r, dr)
            }
        }
    }

    function _height(bytes memory s, uint256 col) private pure returns (uint256 h) {
        assembly ("memory-safe") {
            let column := add(add(s, add(32, HEADER)), mul(col, ROWS))
            for {} and(lt(h, ROWS), iszero(iszero(byte(0, mload(add(column, h)))))) {} { h := add(h, 1) }
        }
    }

    function _heightCd(bytes calldata s, uint256 col) private pure returns (uint256 h) {
        while (h < ROWS && s.cd8(HEADER + col * ROWS + h) != 0) ++h;
    }

    function _check(bytes calldata state) private pure {
        if (state.length != SIZE) revert SystemLib.BadState();
    }
    // forge-lint: disable-end(unsafe-typecast)
}
