// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBase} from "./ArenaBase.sol";
import {Arena} from "../../src/arena/Arena.sol";

/// @notice A league whose creator stops opening rounds must not lock its reward pool (slash halves
///         included): after STALL_PERIOD past the last round's challenge deadline (or the league's
///         creation) anyone may open its next round, so entrants can still earn the pool.
contract StalledLeagueTest is ArenaBase {
    uint256 internal leagueId;
    uint256 internal constant STALL = 7 days;

    function setUp() public override {
        super.setUp();
        leagueId = _league(2, 10 ether);
    }

    function test_anyoneContinuesALeagueWhoseCreatorStopped() public {
        uint256 bobAgent = _agent(BOB, ECHO, 1 ether);
        vm.roll(block.number + 1);
        uint256 first = _round(leagueId); // the creator's last round
        uint40 deadline = arena.round(first).challengeDeadline;
        vm.warp(uint256(deadline) + STALL);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(Arena.NotLeagueCreator.selector, leagueId, BOB));
        arena.openRound(leagueId);
        vm.warp(uint256(deadline) + STALL + 1);
        vm.prank(BOB);
        uint256 next = arena.openRound(leagueId);
        vm.roll(block.number + 2);
        arena.fixSeed(next);
        ClaimData memory c = _claim(next, bobAgent, ECHO);
        _submit(BOB, c);
        vm.warp(arena.round(next).challengeDeadline + 1);
        Arena.ClaimOpening[] memory ranked = new Arena.ClaimOpening[](1);
        ranked[0] = _opening(c);
        arena.settleRound(next, ranked);
        assertEq(arena.balanceOf(BOB), 6 ether, "the pool pays the entrant of the continued round");
    }

    function test_aLeagueWithoutAnyRoundStallsFromItsCreation() public {
        vm.warp(block.timestamp + STALL + 1);
        vm.prank(CAROL);
        uint256 r = arena.openRound(leagueId);
        assertEq(uint256(arena.round(r).leagueId), leagueId, "opened by anyone");
    }

    /// @notice Whoever opens, the stall clock restarts at the new round's challenge deadline, and
    ///         before it runs out only the creator may open.
    function testFuzz_onlyTheCreatorOpensBeforeTheStall(uint32 wait) public {
        uint256 r = _round(leagueId);
        uint256 deadline = arena.round(r).challengeDeadline;
        vm.warp(deadline + uint256(wait) % (2 * STALL));
        bool stalled = block.timestamp > deadline + STALL;
        vm.prank(DAVE);
        if (!stalled) vm.expectRevert(abi.encodeWithSelector(Arena.NotLeagueCreator.selector, leagueId, DAVE));
        arena.openRound(leagueId);
        vm.prank(CREATOR);
        arena.openRound(leagueId); // the creator always may
    }
}
