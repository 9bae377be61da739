// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "../utils/Vm.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {ArenaHandler} from "./ArenaHandler.sol";

/// @notice Money invariants over random stake/claim/challenge/move/timeout/settle/withdraw runs
///         (runs x depth >= 10,000 calls): the Arena holds exactly what it owes, and every account,
///         stake and pool equals the handler's independent model of DESIGN.md's rules.
contract ArenaInvariantTest is TestBase {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    ArenaHandler internal handler;

    event Coverage(uint256 proofs, uint256 timeouts, uint256 dismissals, uint256 settlements);

    function setUp() public {
        handler = new ArenaHandler();
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory s = new bytes4[](12);
        s[0] = ArenaHandler.stake.selector;
        s[1] = ArenaHandler.requestUnstake.selector;
        s[2] = ArenaHandler.finalizeUnstake.selector;
        s[3] = ArenaHandler.openRound.selector;
        s[4] = ArenaHandler.submit.selector;
        s[5] = ArenaHandler.challenge.selector;
        s[6] = ArenaHandler.advance.selector;
        s[7] = ArenaHandler.timeout.selector;
        s[8] = ArenaHandler.dismiss.selector;
        s[9] = ArenaHandler.settle.selector;
        s[10] = ArenaHandler.withdraw.selector;
        s[11] = ArenaHandler.advance.selector; // disputes need many moves: weight them
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), s);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    /// forge-config: default.invariant.runs = 20
    /// forge-config: default.invariant.depth = 500
    /// forge-config: default.invariant.fail-on-revert = true
    function invariant_moneyIsConservedAndMatchesTheModel() public view {
        Arena arena = Arena(handler.arenaAddress());
        uint256 liabilities = handler.gPool() + handler.gOpenBonds() + handler.gHeld();
        address[4] memory actors = handler.actorList();
        for (uint256 i; i < 4; ++i) {
            liabilities += arena.balanceOf(actors[i]);
        }
        for (uint256 id = 1; id <= arena.agentCount(); ++id) {
            Arena.Agent memory a = arena.agent(id);
            liabilities += uint256(a.stake) + a.unstaking;
        }
        assertEq(handler.arenaAddress().balance, liabilities, "arena balance == stakes + bonds + owed + pools + held rewards");
        assertEq(handler.gameAddress().balance, 0, "the game holds no money");
        _everyAccountMatchesTheModel();
    }

    /// @notice The handler's paths do what the model says: a cheated match lost by proof, an honest
    ///         one won by proof, a dismissal, a settlement and withdrawals.
    function test_handlerPlaysEveryEnding() public {
        handler.submit(0, 2); // agent 1 cheats at step 2 of match 1
        handler.submit(1, 6); // agent 2 honest
        handler.challenge(0, 1, 2); // CAROL on the cheated match
        handler.challenge(0, 1, 3); // DAVE too: dismissed after the first one wins
        handler.challenge(1, 0, 2); // CAROL on an honest match
        for (uint256 i; i < 40; ++i) {
            handler.advance(0);
        }
        assertEq(handler.resolvedByProof(), 2, "two games played to the one-step proof");
        assertEq(handler.dismissed(), 1, "one dismissal");
        for (uint256 i; i < 20 && handler.settledRounds() == 0; ++i) {
            handler.settle(i);
        }
        assertEq(handler.settledRounds(), 1, "settled");
        for (uint256 i; i < 4; ++i) {
            handler.withdraw(i, type(uint256).max);
        }
        invariant_moneyIsConservedAndMatchesTheModel();
    }

    /// @notice A seeded random walk of 1,500 handler calls, checked every 25 calls, must reach
    ///         every ending (proof, timeout, dismissal) and settle rounds: the campaign's handler
    ///         paths are live, not skipped.
    function test_randomWalkReachesEveryPath() public {
        for (uint256 i; i < 1_500; ++i) {
            uint256 r = uint256(keccak256(abi.encode("walk", i)));
            uint256 a = r % 16;
            uint256 x = r >> 8;
            uint256 y = r >> 80;
            if (a == 0) handler.stake(x, y);
            else if (a == 1) handler.requestUnstake(x, y);
            else if (a == 2) handler.finalizeUnstake(x);
            else if (a == 3) handler.openRound();
            else if (a <= 5) handler.submit(x, y);
            else if (a == 6) handler.challenge(x, y, r >> 160);
            else if (a <= 11) handler.advance(x);
            else if (a == 12) handler.timeout(x);
            else if (a == 13) handler.dismiss(x);
            else if (a == 14) handler.settle(x);
            else handler.withdraw(x, y);
            if (i % 25 == 0) invariant_moneyIsConservedAndMatchesTheModel();
        }
        invariant_moneyIsConservedAndMatchesTheModel();
        emit Coverage(
            handler.resolvedByProof(), handler.resolvedByTimeout(), handler.dismissed(), handler.settledRounds()
        );
        assertTrue(handler.resolvedByProof() > 0, "proofs");
        assertTrue(handler.resolvedByTimeout() > 0, "timeouts");
        assertTrue(handler.dismissed() > 0, "dismissals");
        assertTrue(handler.settledRounds() > 0, "settlements");
        assertTrue(handler.heldCounted() > 0, "claims counted while disputed (held)");
    }

    function _everyAccountMatchesTheModel() internal view {
        Arena arena = Arena(handler.arenaAddress());
        address[4] memory actors = handler.actorList();
        for (uint256 i; i < 4; ++i) {
            assertEq(arena.balanceOf(actors[i]), handler.owed(actors[i]), "withdrawable == owed by the rules");
        }
        for (uint256 id = 1; id <= arena.agentCount(); ++id) {
            Arena.Agent memory a = arena.agent(id);
            assertEq(uint256(a.stake), handler.gStake(id), "stake");
            assertEq(uint256(a.unstaking), handler.gUnstaking(id), "unstaking");
            assertEq(uint256(a.locked), handler.gLocked(id), "locked");
            assertTrue(a.locked <= a.stake, "locked stake is stake");
        }
        assertEq(arena.league(handler.leagueId()).rewardPool, handler.gPool(), "pool");
    }
}
