// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../interfaces/ISystem.sol";
import {SystemLib} from "./SystemLib.sol";

/// @title SnakeSystem
/// @notice Snake on a W x H grid, byte-identical to node/systems/snake.py.
///         Params: width u8 | height u8 | maxSteps u16 [| initialLength u8, absent for 3].
///         State: status u8 | seed bytes32 | counter u64 | width u8 | height u8 | maxSteps u16 |
///         steps u16 | score u16 | dir u8 | apple u16 | length u16 | body u16[length] (head first).
contract SnakeSystem is ISystem {
    // Every narrowing cast below writes a value already bounded by the system's rules (cells,
    // counts, moves, bytes), which the differential test pins against the Python twin.
    // forge-lint: disable-start(unsafe-typecast)
    using SystemLib for bytes;

    uint256 private constant HEADER = 54;
    uint8 private constant DEAD = 1;
    uint8 private constant OUT_OF_STEPS = 2;
    uint8 private constant BOARD_FULL = 3;
    uint256 private constant NO_APPLE = 0xFFFF;
    uint256 private constant DEFAULT_LENGTH = 3;

    /// @inheritdoc ISystem
    function systemId() external pure returns (uint16) {
        return 1;
    }

    /// @inheritdoc ISystem
    function initialState(bytes32 seed, bytes calldata params) external pure returns (bytes memory out) {
        if (params.length != 4 && params.length != 5) revert SystemLib.BadParams("params");
        uint256 w = uint8(params[0]);
        uint256 h = uint8(params[1]);
        uint256 maxSteps = uint16(bytes2(params[2:4]));
        if (w < 4 || w > 64) revert SystemLib.BadParams("width");
        if (h < 4 || h > 64) revert SystemLib.BadParams("height");
        if (maxSteps == 0) revert SystemLib.BadParams("max_steps");
        uint256 len = params.length == 4 ? DEFAULT_LENGTH : uint8(params[4]);
        // The default is encoded by leaving the byte out: one encoding per league.
        if (len == 0 || len > w / 2 + 1 || (params.length == 5 && len == DEFAULT_LENGTH)) {
            revert SystemLib.BadParams("initial_length");
        }
        // forge-lint: disable-next-line(divide-before-multiply)
        uint256 head = (h / 2) * w + w / 2; // row h/2 (integer division), column w/2
        out = abi.encodePacked(
            uint8(0), seed, uint64(1), uint8(w), uint8(h), uint16(maxSteps), uint32(0), uint8(3)
        );
        out = abi.encodePacked(out, uint16(0), uint16(len));
        for (uint256 i = 0; i < len; ++i) {
            out = abi.encodePacked(out, uint16(head - i)); // facing right: head, head - 1, ...
        }
        SystemLib.put(out, 50, _placeApple(seed, 0, w * h, out, len), 2);
    }

    /// @inheritdoc ISystem
    function observe(bytes calldata state, uint8 abiVersion) external pure returns (bytes memory) {
        (uint256 w, uint256 h, uint256 len) = _check(state);
        if (abiVersion == 0) return _observe0(state, w, h);
        if (abiVersion != 1) revert SystemLib.BadAbiVersion();
        return _observe1(state, w, h, len);
    }

    /// @dev (apple x, apple y), or (0xFF, 0xFF) when the board is full.
    function _appleXY(bytes calldata state, uint256 w) private pure returns (uint256 ax, uint256 ay) {
        uint256 apple = state.cd16(50);
        (ax, ay) = apple == NO_APPLE ? (0xFF, 0xFF) : (apple % w, apple / w);
    }

    /// @dev u64: height << 48 | width << 40 | dir << 32 | headX << 24 | headY << 16 | appleX << 8 | appleY.
    function _observe0(bytes calldata state, uint256 w, uint256 h) private pure returns (bytes memory) {
        uint256 head = state.cd16(HEADER);
        (uint256 ax, uint256 ay) = _appleXY(state, w);
        uint256 v = (h << 48) | (w << 40) | (state.cd8(49) << 32) | ((head % w) << 24) | ((head / w) << 16);
        return abi.encodePacked(uint64(v | (ax << 8) | ay));
    }

    /// @dev 13-byte header then the W*H grid (0 empty, 1 apple, 2 body, 3 tail, 4 head).
    function _observe1(bytes calldata state, uint256 w, uint256 h, uint256 len)
        private
        pure
        returns (bytes memory out)
    {
        uint256 head = state.cd16(HEADER);
        (uint256 ax, uint256 ay) = _appleXY(state, w);
        out = new bytes(13 + w * h);
        SystemLib.put(out, 0, (w << 24) | (h << 16) | ((head % w) << 8) | (head / w), 4);
        SystemLib.put(out, 4, (ax << 16) | (ay << 8) | state.cd8(49), 3);
        SystemLib.put(out, 7, (len << 32) | (state.cd16(45) << 16) | state.cd16(43), 6);
        for (uint256 i = 0; i < len; ++i) {
            out[13 + state.cd16(HEADER + 2 * i)] = bytes1(uint8(2));
        }
        out[13 + state.cd16(HEADER + 2 * (len - 1))] = bytes1(uint8(3));
        out[13 + head] = bytes1(uint8(4));
        uint256 apple = state.cd16(50);
        if (apple != NO_APPLE) out[13 + apple] = bytes1(uint8(1));
    }

    /// @inheritdoc ISystem
    function toAction(bytes calldata, int64 value) external pure returns (bool valid, uint64 action) {
        return (true, uint64(value) % 4);
    }

    /// @inheritdoc ISystem
    function step(bytes calldata state, uint64 action) external pure returns (bytes memory out) {
        (uint256 w, uint256 h, uint256 len) = _check(state);
        if (uint8(state[0]) != SystemLib.RUNNING) revert SystemLib.TerminalState();
        if (action > 3) revert SystemLib.BadAction();
        (bool dead, bool eats, uint256 nh) = _move(state, w, h, len, action);
        if (dead) {
            out = state;
            out[0] = bytes1(DEAD);
        } else if (!eats) {
            out = bytes.concat(state[0:HEADER], bytes2(uint16(nh)), state[HEADER:HEADER + 2 * (len - 1)]);
            if (_lastStep(state)) out[0] = bytes1(OUT_OF_STEPS);
        } else {
            out = _grow(state, nh, len, w * h);
        }
        SystemLib.put(out, 45, state.cd16(45) + 1, 2);
        SystemLib.put(out, 49, action, 1);
    }

    /// @dev The post-state body when the head moves onto the apple: one longer, new apple drawn.
    function _grow(bytes calldata state, uint256 nh, uint256 len, uint256 cells)
        private
        pure
        returns (bytes memory out)
    {
        out = bytes.concat(state[0:HEADER], bytes2(uint16(nh)), state[HEADER:HEADER + 2 * len]);
        SystemLib.put(out, 47, state.cd16(47) + 1, 2);
        SystemLib.put(out, 52, len + 1, 2);
        if (len + 1 == cells) {
            out[0] = bytes1(BOARD_FULL);
            SystemLib.put(out, 50, NO_APPLE, 2);
        } else {
            uint256 counter = state.cd64(33);
            SystemLib.put(out, 50, _placeApple(bytes32(state[1:33]), counter, cells, out, len + 1), 2);
            SystemLib.put(out, 33, counter + 1, 8);
            if (_lastStep(state)) out[0] = bytes1(OUT_OF_STEPS);
        }
    }

    /// @dev True when the step being taken is the last one max_steps allows.
    function _lastStep(bytes calldata state) private pure returns (bool) {
        return state.cd16(45) + 1 == state.cd16(43);
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
        return int64(uint64(state.cd16(47)));
    }

    /// @dev Where the head goes, whether that kills the snake and whether it eats the apple.
    function _move(bytes calldata state, uint256 w, uint256 h, uint256 len, uint256 action)
        private
        pure
        returns (bool dead, bool eats, uint256 nh)
    {
        (dead, nh) = _target(state.cd16(HEADER), w, h, action);
        if (dead) return (true, false, nh);
        eats = nh == state.cd16(50);
        // The tail cell is vacated this step unless the snake grows.
        dead = _hits(state, nh, eats ? len : len - 1);
    }

    /// @dev The cell the head moves to, or wall = true when that leaves the grid.
    function _target(uint256 head, uint256 w, uint256 h, uint256 action)
        private
        pure
        returns (bool wall, uint256 nh)
    {
        uint256 x = head % w;
        uint256 y = head / w;
        if (action == 0) return (y == 0, y == 0 ? head : head - w);
        if (action == 1) return (y == h - 1, head + w);
        if (action == 2) return (x == 0, x == 0 ? head : head - 1);
        return (x == w - 1, head + 1);
    }

    /// @dev True when one of the first n body cells is `cell`.
    function _hits(bytes calldata state, uint256 cell, uint256 n) private pure returns (bool hit) {
        assembly ("memory-safe") {
            let p := add(state.offset, HEADER)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                if eq(shr(240, calldataload(add(p, shl(1, i)))), cell) {
                    hit := 1
                    break
                }
            }
        }
    }

    /// @dev First free cell scanning forward (wrapping) from draw(seed, counter) % cells. The
    ///      occupancy bitmap lives in scratch memory past the free memory pointer.
    function _placeApple(bytes32 seed, uint256 counter, uint256 cells, bytes memory s, uint256 len)
        private
        pure
        returns (uint256 cell)
    {
        cell = SystemLib.draw(seed, counter) % cells;
        assembly ("memory-safe") {
            let bitmap := mload(0x40)
            let words := shr(8, add(cells, 255))
            for { let i := 0 } lt(i, words) { i := add(i, 1) } { mstore(add(bitmap, shl(5, i)), 0) }
            let body := add(add(s, 32), HEADER)
            for { let i := 0 } lt(i, len) { i := add(i, 1) } {
                let c := shr(240, mload(add(body, shl(1, i))))
                let slot := add(bitmap, shl(5, shr(8, c)))
                mstore(slot, or(mload(slot), shl(and(c, 255), 1)))
            }
            for {} and(shr(and(cell, 255), mload(add(bitmap, shl(5, shr(8, cell))))), 1) {} {
                cell := add(cell, 1)
                if eq(cell, cells) { cell := 0 }
            }
        }
    }

    /// @dev Structural checks that keep every read in bounds.
    function _check(bytes calldata state) private pure returns (uint256 w, uint256 h, uint256 len) {
        if (state.length < HEADER) revert SystemLib.BadState();
        w = state.cd8(41);
        h = state.cd8(42);
        len = state.cd16(52);
        if (w < 4 || w > 64 || h < 4 || h > 64 || len == 0 || state.length != HEADER + 2 * len) {
            revert SystemLib.BadState();
        }
    }
    // forge-lint: disable-end(unsafe-typecast)
}
