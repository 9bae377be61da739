// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBase} from "./ArenaBase.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {DisputeGame} from "../../src/arena/DisputeGame.sol";
import {Rfc9162} from "../../src/lib/Rfc9162.sol";

/// @notice Gas targets: submitClaim (10 matches) <= 80k and every bisection move <= 60k at
///         depth 12 (4096 steps), as transaction gas: intrinsic + calldata + execution with cold
///         storage (vm.cool), the called contract warm as tx.to is.
contract GasTest is ArenaBase {
    uint256 internal constant SUBMIT_TARGET = 80_000;
    uint256 internal constant MOVE_TARGET = 60_000;
    uint256 internal constant STEPS = 4096;

    event GasUsed(string what, uint256 txGas);

    /// @dev Transaction gas of `data` sent to `target` by `sender` with cold storage: the callee
    ///      frame's gas (vm.lastCallGas) plus intrinsic and calldata gas.
    function _measure(address sender, address target, bytes memory data) internal returns (uint256) {
        vm.cool(target);
        vm.cool(address(arena));
        vm.prank(sender);
        (bool ok, bytes memory err) = target.call(data);
        if (!ok) {
            assembly {
                revert(add(err, 0x20), mload(err))
            }
        }
        return _txGas(data, vm.lastCallGas().gasTotalUsed);
    }

    function test_submitClaimTenMatchesUnder80k() public {
        uint256 l = _league(10, 10 ether);
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        _agent(BOB, ECHO, 1 ether);
        uint256 r = _round(l);
        int64[] memory scores = new int64[](10);
        for (uint256 i; i < 10; ++i) {
            scores[i] = int64(int256(i * 7)) - 20;
        }
        bytes memory data = abi.encodeCall(Arena.submitClaim, (r, id, keccak256("root"), scores));
        uint256 gas = _measure(ALICE, address(arena), data);
        emit GasUsed("submitClaim(10 matches)", gas);
        assertTrue(gas <= SUBMIT_TARGET, "submitClaim over 80k");
        // Worst calldata: ten negative scores (sign-extended words), second claim of the round.
        for (uint256 i; i < 10; ++i) {
            scores[i] = -100 - int64(int256(i));
        }
        bytes memory data2 = abi.encodeCall(Arena.submitClaim, (r, id + 1, keccak256("root2"), scores));
        uint256 gas2 = _measure(BOB, address(arena), data2);
        emit GasUsed("submitClaim(10 negative scores, 2nd in round)", gas2);
        assertTrue(gas2 <= SUBMIT_TARGET, "second submitClaim over 80k");
    }

    /// @notice Settlement is O(n): measure 40 claims of 10 matches and bound the cost per claim (a 30M block then settles 1,000 claims).
    function test_settleRoundCostPerClaim() public {
        uint256 l = _league(10, 100 ether);
        uint256 n = 40;
        for (uint256 i; i < n; ++i) {
            _agent(address(uint160(0x1000 + i)), ECHO, 0);
        }
        for (uint256 i; i < n; ++i) {
            vm.deal(address(uint160(0x1000 + i)), 2 ether);
            vm.prank(address(uint160(0x1000 + i)));
            arena.stake{value: 1 ether}(i + 1);
        }
        uint256 r = _round(l);
        Arena.ClaimOpening[] memory ranked = new Arena.ClaimOpening[](n);
        for (uint256 i; i < n; ++i) {
            int64[] memory scores = new int64[](10);
            for (uint256 j; j < 10; ++j) {
                scores[j] = int64(int256(n - i)) * 10 - int64(int256(j));
            }
            bytes32 root = keccak256(abi.encode(i));
            vm.prank(address(uint160(0x1000 + i)));
            arena.submitClaim(r, i + 1, root, scores);
            ranked[i] = Arena.ClaimOpening(uint64(i + 1), root, scores);
        }
        vm.warp(block.timestamp + 7_201);
        uint256 gas = _measure(DAVE, address(arena), abi.encodeCall(Arena.settleRound, (r, ranked)));
        emit GasUsed("settleRound(40 claims x 10 matches)", gas);
        emit GasUsed("settleRound per claim", gas / n);
        assertTrue(gas / n <= 30_000, "settlement over 30k per claim");
    }

    // ------------------------------------------------------------ bisection at depth 12

    bytes32[][] internal levels;

    function _entry(uint256 i) internal pure returns (DisputeGame.Entry memory) {
        return DisputeGame.Entry(keccak256(abi.encode(i)), 0, uint64(i % 4), keccak256(abi.encode(i + 1)));
    }

    function _buildTree() internal returns (bytes32 root) {
        bytes32[] memory level = new bytes32[](STEPS);
        for (uint256 i; i < STEPS; ++i) {
            level[i] = Rfc9162.leafHash(game.entryBytes(uint32(i), _entry(i)));
        }
        levels.push(level);
        while (level.length > 1) {
            bytes32[] memory up = new bytes32[](level.length / 2);
            for (uint256 i; i < up.length; ++i) {
                up[i] = Rfc9162.nodeHash(level[2 * i], level[2 * i + 1]);
            }
            levels.push(up);
            level = up;
        }
        root = level[0];
    }

    function _proofOf(uint256 index) internal view returns (bytes32[] memory proof) {
        proof = new bytes32[](levels.length - 1);
        for (uint256 h; h < proof.length; ++h) {
            proof[h] = levels[h][(index >> h) ^ 1];
        }
    }

    function test_bisectionMovesUnder60kAtDepth12() public {
        uint256 l = _league(10, 10 ether);
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        uint256 r = _round(l);
        bytes32 traceRoot = _buildTree();
        ClaimData memory c = _claim(r, id, ECHO);
        c.matches[0].root = traceRoot;
        c.matches[0].steps = uint32(STEPS);
        _sealClaim(c);
        uint256 claimId = _submit(ALICE, c);
        uint256 d = _challenge(CAROL, claimId, 0);
        _revealSummary(ALICE, d, c, 0);
        bytes32[] memory finalProof = _proofOf(STEPS - 1);
        vm.prank(ALICE);
        game.revealFinal(d, _entry(STEPS - 1), finalProof);
        uint256 maxReveal;
        uint256 maxAnswer;
        uint256 moves;
        bool agree;
        while (_phase(d) == DisputeGame.Phase.AwaitMid) {
            uint32 mid = game.midpoint(d);
            bytes memory reveal = abi.encodeCall(DisputeGame.revealMidpoint, (d, _entry(mid), _proofOf(mid)));
            uint256 g = _measure(ALICE, address(game), reveal);
            if (g > maxReveal) maxReveal = g;
            agree = !agree; // alternate to walk the whole depth through both branches
            g = _measure(CAROL, address(game), abi.encodeCall(DisputeGame.answer, (d, agree)));
            if (g > maxAnswer) maxAnswer = g;
            ++moves;
        }
        assertEq(moves, 12, "depth 12");
        emit GasUsed("revealMidpoint (max, depth 12)", maxReveal);
        emit GasUsed("answer (max, depth 12)", maxAnswer);
        assertTrue(maxReveal <= MOVE_TARGET, "revealMidpoint over 60k");
        assertTrue(maxAnswer <= MOVE_TARGET, "answer over 60k");
    }
}
