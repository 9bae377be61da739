// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "../utils/Vm.sol";
import {ISystem} from "../../src/interfaces/ISystem.sol";
import {SystemLib} from "../../src/systems/SystemLib.sol";
import {SnakeSystem} from "../../src/systems/SnakeSystem.sol";
import {RpsSystem} from "../../src/systems/RpsSystem.sol";
import {Connect4System} from "../../src/systems/Connect4System.sol";
import {PredictSystem} from "../../src/systems/PredictSystem.sol";

/// @notice Unit and fuzz tests of the four system contracts: layouts, params checks, and state
///         invariants along fuzzed matches (no revert on any action from a running state).
contract SystemsTest is TestBase {
    SnakeSystem internal snake = new SnakeSystem();
    RpsSystem internal rps = new RpsSystem();
    Connect4System internal connect4 = new Connect4System();
    PredictSystem internal predict = new PredictSystem();

    bytes internal constant SNAKE_20 = hex"141401f4"; // 20 x 20, 500 steps
    bytes internal constant RPS_DEFAULT = hex"006410"; // 100 rounds, history 16
    bytes internal constant C4_DEFAULT = hex"0214"; // first: PRNG, noise 20
    bytes internal constant PREDICT_DEFAULT = hex"00640510"; // 100 values, noise 5, history 16

    function _u16(bytes memory s, uint256 off) internal pure returns (uint256) {
        return (uint256(uint8(s[off])) << 8) | uint8(s[off + 1]);
    }

    /// @dev `system.initialState(0, params)` reverts with BadParams(field).
    function _assertBadParams(ISystem system, bytes memory params, string memory field) internal {
        vm.expectRevert(abi.encodeWithSelector(SystemLib.BadParams.selector, field));
        system.initialState(bytes32(0), params);
    }

    /// @dev Plays `values` (cycled) until the state is terminal or `limit` steps were taken.
    function _play(ISystem system, bytes memory state, uint64[] memory values, uint256 limit)
        internal
        pure
        returns (bytes memory, uint256 steps)
    {
        if (values.length == 0) return (state, 0);
        while (!system.isDone(state) && steps < limit) {
            (bool valid, uint64 action) = system.toAction(state, int64(values[steps % values.length]));
            state = valid ? system.step(state, action) : system.forfeit(state);
            ++steps;
        }
        return (state, steps);
    }

    function test_ids() public view {
        assertEq(snake.systemId(), 1, "snake id");
        assertEq(rps.systemId(), 2, "rps id");
        assertEq(connect4.systemId(), 3, "connect4 id");
        assertEq(predict.systemId(), 4, "predict id");
    }

    function test_snakeInitialStateLayout() public view {
        bytes memory s = snake.initialState(bytes32(uint256(7)), SNAKE_20);
        assertEq(s.length, 54 + 6, "length");
        assertEq(uint8(s[0]), 0, "running");
        assertEq(_u16(s, 52), 3, "body length");
        assertEq(_u16(s, 54), 10 * 20 + 10, "head at the centre");
        assertEq(uint8(s[49]), 3, "facing right");
        uint256 apple = _u16(s, 50);
        assertTrue(apple < 400 && apple != 210 && apple != 209 && apple != 208, "apple on a free cell");
        assertEq(snake.observe(s, 0).length, 8, "v0 observation");
        assertEq(snake.observe(s, 1).length, 13 + 400, "v1 observation");
    }

    function test_snakeRejectsBadParams() public {
        _assertBadParams(snake, hex"031401f4", "width");
        _assertBadParams(snake, hex"144101f4", "height");
        _assertBadParams(snake, hex"14140000", "max_steps");
        _assertBadParams(snake, hex"1414", "params");
        _assertBadParams(snake, hex"141401f40101", "params");
        _assertBadParams(snake, hex"141401f400", "initial_length");
        _assertBadParams(snake, hex"141401f403", "initial_length"); // 3 is encoded by omission
        _assertBadParams(snake, hex"040401f404", "initial_length"); // longer than the row allows
    }

    function test_snakeInitialLength() public view {
        bytes memory s = snake.initialState(bytes32(uint256(7)), hex"141401f401");
        assertEq(s.length, 54 + 2, "one body cell");
        assertEq(_u16(s, 52), 1, "body length");
        assertEq(_u16(s, 54), 10 * 20 + 10, "head at the centre");
        s = snake.initialState(bytes32(uint256(7)), hex"040401f402");
        assertEq(_u16(s, 52), 2, "body length 2");
        assertEq(_u16(s, 56), 2 * 4 + 1, "second cell left of the head");
        assertTrue(_u16(s, 50) != 10 && _u16(s, 50) != 9, "apple on a free cell");
    }

    function test_otherSystemsRejectBadParams() public {
        _assertBadParams(rps, hex"000010", "rounds");
        _assertBadParams(rps, hex"006421", "history");
        _assertBadParams(connect4, hex"0314", "first");
        _assertBadParams(connect4, hex"0265", "noise");
        _assertBadParams(predict, hex"00000510", "length");
        _assertBadParams(predict, hex"00643310", "noise");
        _assertBadParams(predict, hex"00640501", "history");
    }

    function test_malformedStatesRevert() public {
        bytes memory s = snake.initialState(bytes32(0), SNAKE_20);
        bytes memory cut = new bytes(s.length - 1);
        for (uint256 i = 0; i < cut.length; ++i) {
            cut[i] = s[i];
        }
        vm.expectRevert(SystemLib.BadState.selector);
        snake.step(cut, 0);
        vm.expectRevert(SystemLib.BadState.selector);
        connect4.step(hex"00", 0);
        vm.expectRevert(SystemLib.BadState.selector);
        rps.isDone(hex"");
        vm.expectRevert(SystemLib.BadState.selector);
        predict.score(hex"0102");
    }

    function test_snakeWallKills() public view {
        bytes memory s = snake.initialState(bytes32(0), SNAKE_20);
        uint64[] memory up = new uint64[](1); // always up: dies on the top wall
        (s,) = _play(snake, s, up, 100);
        assertEq(uint8(s[0]), 1, "dead");
        assertEq(snake.score(s), 0, "no apple");
    }

    function test_terminalStatesCannotStepOrForfeit() public {
        bytes memory s = snake.forfeit(snake.initialState(bytes32(0), SNAKE_20));
        assertTrue(snake.isDone(s), "forfeit is terminal");
        assertEq(snake.score(s), -1, "forfeit score");
        vm.expectRevert(SystemLib.TerminalState.selector);
        snake.step(s, 0);
        vm.expectRevert(SystemLib.TerminalState.selector);
        snake.forfeit(s);
    }

    function test_gasSnakeStep20x20() public view {
        bytes memory s = snake.initialState(bytes32(uint256(1)), SNAKE_20);
        uint256 before = gasleft();
        snake.step(s, 3);
        uint256 used = before - gasleft();
        assertTrue(used <= 300_000, "snake 20x20 step within 300k gas");
    }

    /// @dev Cell i of a serpentine walk over a 20-wide grid (row 0 left to right, row 1 back...).
    function _serpentine(uint256 i) internal pure returns (uint256) {
        uint256 y = i / 20;
        uint256 x = i % 20;
        return y * 20 + (y % 2 == 1 ? 19 - x : x);
    }

    /// @dev The most expensive kind of transition: a long snake eating on 20 x 20 (occupancy
    ///      bitmap over the whole body, forward scan for a free cell, one keccak draw).
    function test_gasSnakeLongSnakeEats20x20() public view {
        uint256 len = 380;
        bytes memory body;
        for (uint256 j = 0; j < len; ++j) {
            body = abi.encodePacked(body, uint16(_serpentine(len - 1 - j)));
        }
        uint256 head = _serpentine(len - 1);
        uint256 apple = _serpentine(len);
        bytes memory s = abi.encodePacked(
            uint8(0), bytes32(uint256(42)), uint64(9), uint8(20), uint8(20), uint16(1000), uint16(500)
        );
        s = abi.encodePacked(s, uint16(len - 3), uint8(3), uint16(apple), uint16(len), body);
        uint64 action = apple == head + 1 ? 3 : apple + 1 == head ? 2 : 1;
        uint256 before = gasleft();
        bytes memory next = snake.step(s, action);
        uint256 used = before - gasleft();
        assertEq(_u16(next, 52), len + 1, "grew");
        assertEq(_u16(next, 47), len - 2, "ate");
        assertTrue(used <= 300_000, "long snake eating step within 300k gas");
    }

    function testFuzz_snakeInvariants(bytes32 seed, uint64[] memory values, uint8 w, uint8 h) public view {
        w = uint8(4 + w % 12);
        h = uint8(4 + h % 12);
        bytes memory s = snake.initialState(seed, abi.encodePacked(w, h, uint16(300)));
        (s,) = _play(snake, s, values, 300);
        uint256 len = _u16(s, 52);
        assertEq(s.length, 54 + 2 * len, "encoding length");
        assertEq(len, 3 + _u16(s, 47), "one cell per apple");
        assertTrue(_u16(s, 45) <= 300, "steps bounded");
        assertEq(snake.observe(s, 1).length, 13 + uint256(w) * h, "v1 observation size");
    }

    function testFuzz_snakeInitialLength(bytes32 seed, uint64[] memory values, uint8 w, uint8 l) public view {
        w = uint8(4 + w % 61);
        uint256 len = 1 + l % (w / 2 + 1);
        bytes memory params =
            len == 3 ? abi.encodePacked(w, w, uint16(200)) : abi.encodePacked(w, w, uint16(200), uint8(len));
        bytes memory s = snake.initialState(seed, params);
        assertEq(_u16(s, 52), len, "initial length");
        uint256 head = (uint256(w) / 2) * w + w / 2;
        for (uint256 i = 0; i < len; ++i) {
            assertEq(_u16(s, 54 + 2 * i), head - i, "facing right");
        }
        uint256 apple = _u16(s, 50);
        assertTrue(apple < uint256(w) * w && (apple > head || apple + len <= head), "apple off the body");
        (s,) = _play(snake, s, values, 200);
        assertEq(_u16(s, 52), len + _u16(s, 47), "one cell per apple");
    }

    function testFuzz_rpsInvariants(bytes32 seed, uint64[] memory values) public view {
        bytes memory s = rps.initialState(seed, RPS_DEFAULT);
        uint256 steps;
        (s, steps) = _play(rps, s, values, 100);
        uint256 round = _u16(s, 44);
        assertEq(round, steps, "one round per step");
        assertTrue(_u16(s, 46) + _u16(s, 48) <= round, "wins + losses <= rounds");
        assertTrue(rps.isDone(s) == (round == 100), "done exactly after the last round");
        assertEq(rps.observe(s, 1).length, 9 + 32, "v1 observation size");
    }

    function testFuzz_connect4Invariants(bytes32 seed, uint64[] memory values, uint8 first) public view {
        bytes memory s = connect4.initialState(seed, abi.encodePacked(uint8(first % 3), uint8(20)));
        (s,) = _play(connect4, s, values, 42);
        uint256 discs;
        for (uint256 i = 44; i < 86; ++i) {
            uint8 cell = uint8(s[i]);
            assertTrue(cell <= 2, "cell value");
            if (cell != 0) ++discs;
            if (cell == 0 && (i - 44) % 6 != 5) assertEq(uint8(s[i + 1]), 0, "no floating disc");
        }
        assertEq(uint8(s[43]), discs, "move count");
        int64 score = connect4.score(s);
        assertTrue(score >= -1 && score <= 3, "score range");
    }

    function testFuzz_predictInvariants(bytes32 seed, uint64[] memory values) public view {
        bytes memory s = predict.initialState(seed, PREDICT_DEFAULT);
        uint256 steps;
        (s, steps) = _play(predict, s, values, 100);
        int64 score = predict.score(s);
        assertTrue(int256(score) <= int256(4 * steps), "at most 4 points per prediction");
        assertEq(predict.observe(s, 0).length, 8, "v0 observation");
        assertEq(predict.observe(s, 1).length, 5 + 16, "v1 observation");
    }

    function testFuzz_anyActionFromARunningStateSteps(bytes32 seed, uint64 value, uint8 which) public view {
        ISystem[4] memory systems = [ISystem(snake), ISystem(rps), ISystem(connect4), ISystem(predict)];
        bytes[4] memory params = [SNAKE_20, RPS_DEFAULT, C4_DEFAULT, PREDICT_DEFAULT];
        ISystem system = systems[which % 4];
        bytes memory s = system.initialState(seed, params[which % 4]);
        // forge-lint: disable-next-line(unsafe-typecast)
        (bool valid, uint64 action) = system.toAction(s, int64(value)); // any bit pattern
        bytes memory next = valid ? system.step(s, action) : system.forfeit(s);
        assertTrue(next.length > 0, "a state");
        assertTrue(valid || system.isDone(next), "invalid actions end the match");
    }
}
