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

    // ------------------------------------------------------------ settlement batches

    uint256 internal constant TX_GAS_CAP = 16_777_216; // EIP-7825
    uint256 internal constant TX_SIZE_CAP = 131_072; // the public pool's 128 KiB
    /// @dev adapters.arena_ops.settle_batch_size: the bound every node cuts batches by.
    uint256 internal constant BATCH_FIXED_GAS = 4_000_000;
    uint256 internal constant BATCH_GAS_PER_CLAIM = 45_000;
    uint256 internal constant BATCH_GAS_PER_SCORE = 1_300;

    function _batchSize(uint256 matches) internal pure returns (uint256) {
        uint256 bySize = (TX_SIZE_CAP - 100) / (160 + 32 * matches);
        uint256 byGas = (TX_GAS_CAP - BATCH_FIXED_GAS) / (BATCH_GAS_PER_CLAIM + BATCH_GAS_PER_SCORE * matches);
        return bySize < byGas ? bySize : byGas;
    }

    /// @notice The worst batch at the bound: the round's only batch (every leader slot written from
    ///         zero, 64 ranks paid), totals ascending (each claim enters at rank 0 and shifts all
    ///         64), worst-calldata scores, cold storage and, with `disputed`, every claim held (two
    ///         new words each, and 64 reserved rewards). It fits both transaction limits.
    function _worstBatch(uint16 matches, bool disputed) internal returns (uint256 gas, uint256 size, uint256 n) {
        Arena.LeagueConfig memory c = _config(matches);
        c.rewardSchedule = new uint128[](64);
        for (uint256 k; k < 64; ++k) {
            c.rewardSchedule[k] = 1 ether;
        }
        vm.prank(CREATOR);
        uint256 l = arena.createLeague{value: 100 ether}(c);
        n = _batchSize(matches);
        uint256 first = arena.agentCount() + 1;
        for (uint256 i; i < n; ++i) {
            address who = address(uint160(0x10000 + i));
            vm.deal(who, 2 ether);
            _agent(who, ECHO, 1 ether);
        }
        uint256 r = _round(l);
        Arena.ClaimOpening[] memory batch = new Arena.ClaimOpening[](n);
        for (uint256 i; i < n; ++i) {
            int64[] memory scores = new int64[](matches);
            for (uint256 j; j < matches; ++j) {
                scores[j] = -int64(int256(1 << 40)) + int64(int256(i)); // ascending, all words nonzero
            }
            bytes32 root = keccak256(abi.encode(i));
            vm.prank(address(uint160(0x10000 + i)));
            arena.submitClaim(r, first + i, root, scores);
            batch[i] = Arena.ClaimOpening(uint64(first + i), root, scores);
        }
        vm.warp(arena.round(r).challengeDeadline);
        for (uint256 i; disputed && i < n; ++i) {
            _challenge(DAVE, arena.claimIdOf(r, first + i), 0);
        }
        vm.warp(arena.round(r).challengeDeadline + 1);
        bytes memory data = abi.encodeCall(Arena.settleRound, (r, batch));
        vm.cool(address(game));
        gas = _measure(DAVE, address(arena), data);
        size = data.length;
        assertTrue(arena.round(r).settled, "the batch settled the round");
    }

    function _assertFits(string memory what, uint16 matches, bool disputed) internal {
        (uint256 gas, uint256 size, uint256 n) = _worstBatch(matches, disputed);
        emit GasUsed(what, gas);
        emit GasUsed("  claims in the batch", n);
        emit GasUsed("  calldata bytes", size);
        emit GasUsed("  gas per claim", gas / n);
        emit GasUsed("  batches for 100,000 claims", (100_000 + n - 1) / n);
        assertTrue(gas <= TX_GAS_CAP, "batch over EIP-7825's 16,777,216 gas");
        assertTrue(size <= TX_SIZE_CAP, "batch over 128 KiB of calldata");
    }

    function test_settleBatchOfOneMatchClaimsAtTheBound() public {
        _assertFits("settleRound worst batch, 1 match", 1, false);
    }

    function test_settleBatchOfHeldClaimsAtTheBound() public {
        _assertFits("settleRound worst batch, 1 match, every claim held", 1, true);
    }

    function test_settleBatchOfTenMatchClaimsAtTheBound() public {
        _assertFits("settleRound worst batch, 10 matches, every claim held", 10, true);
    }

    function test_settleBatchOfHundredMatchClaimsAtTheBound() public {
        _assertFits("settleRound worst batch, 100 matches, every claim held", 100, true);
    }

    function test_settleBatchOfMaxMatchClaimsAtTheBound() public {
        _assertFits("settleRound worst batch, 1,024 matches, every claim held", 1_024, true);
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
