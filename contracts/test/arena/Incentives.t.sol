// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneRoundBase} from "./ArenaBase.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {DisputeGame} from "../../src/arena/DisputeGame.sol";
import {MerkleBuilder} from "../lib/MerkleBuilder.sol";

/// @notice Incentive attacks played as whole games. Actors: ALICE is a cheating claimant and DAVE
///         an address she controls (the self-challenger); CAROL is the honest challenger; BOB a
///         lying challenger who disputes an honest match. The rule under test (contracts.md,
///         "Who is paid for a conviction"): the slash share goes to the challenger whose dispute on
///         the claim was opened first among those still open, whichever dispute convicts.
contract IncentivesTest is OneRoundBase {
    /// @notice Alice's claim with match 1 inflated at step 2.
    function _cheat() internal returns (ClaimData memory c, ClaimData memory truth, uint256 claimId) {
        truth = _claim(roundId, aliceAgent, ECHO);
        c = _claim(roundId, aliceAgent, ECHO);
        c.matches[1] = _play(ECHO, c.matches[1].seed, 2);
        c.scores[1] = c.matches[1].score;
        _sealClaim(c);
        claimId = _submit(ALICE, c);
    }

    /// @notice ALICE plays dispute `id` on match `m` up to the challenger's first answer.
    function _toAnswer(uint256 id, ClaimData memory c, uint16 m) internal {
        _revealSummary(ALICE, id, c, m);
        _revealFinal(ALICE, id, c.matches[m]);
        uint32 mid = game.midpoint(id);
        bytes32[] memory proof = MerkleBuilder.proof(c.matches[m].leaves, mid);
        vm.prank(ALICE);
        game.revealMidpoint(id, c.matches[m].entries[mid], proof);
    }

    /// @notice What ALICE's side (ALICE and DAVE) holds in the Arena: stake and balances.
    function _cheaterSide() internal view returns (uint256) {
        return uint256(arena.agent(aliceAgent).stake) + arena.balanceOf(ALICE) + arena.balanceOf(DAVE);
    }

    /// @notice The attack from the review: the honest dispute opens first, the cheater opens a second
    ///         one from DAVE, stalls the honest one a full window per move and lets DAVE's dispute
    ///         convict first. Before the fix DAVE collected bond + share and CAROL was only dismissed.
    function test_selfChallengeAfterTheHonestOneEarnsNothing() public {
        (ClaimData memory c,, uint256 claimId) = _cheat();
        uint256 before = _cheaterSide() + BOND; // DAVE's bond is the cheater's money too
        uint256 honest = _challenge(CAROL, claimId, 1);
        uint256 sock = _challenge(DAVE, claimId, 0);
        vm.warp(block.timestamp + MOVE_WINDOW - 1);
        _revealSummary(ALICE, honest, c, 1); // stall the honest dispute to its last second
        vm.warp(block.timestamp + 2);
        game.timeout(sock); // ALICE lets DAVE win at once
        assertEq(arena.claimCommit(claimId), arena.VOIDED(), "voided");
        assertEq(arena.balanceOf(DAVE), BOND, "the self-challenger gets its bond back, no share");
        assertEq(arena.balanceOf(CAROL), SLASH / 2, "the first open challenger is paid the share");
        game.dismiss(honest);
        assertEq(arena.balanceOf(CAROL), BOND + SLASH / 2, "and its bond back");
        assertEq(before - _cheaterSide(), SLASH, "the cheater loses the whole slash");
    }

    /// @notice The same with the conviction by a full one-step proof in DAVE's dispute.
    function test_selfChallengeConvictingByProofStillPaysTheFirst() public {
        (ClaimData memory c, ClaimData memory truth, uint256 claimId) = _cheat();
        uint256 honest = _challenge(CAROL, claimId, 1);
        uint256 sock = _challenge(DAVE, claimId, 1);
        _revealSummary(ALICE, sock, c, 1);
        _revealFinal(ALICE, sock, c.matches[1]);
        _bisect(ALICE, DAVE, sock, c.matches[1], truth.matches[1]);
        _proveStep(DAVE, sock, c.matches[1], truth.matches[1], ECHO);
        assertEq(arena.balanceOf(DAVE), BOND, "bond only");
        assertEq(arena.balanceOf(CAROL), SLASH / 2, "share to the first open dispute");
        assertEq(game.firstOpenDispute(claimId), honest, "the honest dispute is still open");
        game.dismiss(honest);
        assertEq(game.firstOpenDispute(claimId), 0, "none open");
    }

    /// @notice A lying challenger who opened first and lost is no longer open: the share passes to
    ///         the next open dispute.
    function test_firstOpenSkipsDisputesThatEnded() public {
        (ClaimData memory c,, uint256 claimId) = _cheat();
        uint256 liar = _challenge(BOB, claimId, 0); // match 0 is honest
        uint256 honest = _challenge(CAROL, claimId, 1);
        assertEq(game.firstOpenDispute(claimId), liar, "liar first");
        _toAnswer(liar, c, 0);
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        game.timeout(liar); // BOB never answers: ChallengerLost
        assertEq(arena.balanceOf(ALICE), BOND, "liar's bond to the owner");
        assertEq(game.firstOpenDispute(claimId), honest, "honest next");
        game.timeout(honest); // ALICE never revealed in the honest one
        assertEq(arena.balanceOf(CAROL), BOND + SLASH / 2, "honest paid in full");
    }

    /// @notice A self-challenge opened before any honest one is the first open dispute: it recovers
    ///         the share (never more), so the cheater still loses slash - share, and the honest
    ///         challenger gets its bond back.
    function test_selfChallengeFirstRecoversAtMostTheShare() public {
        (,, uint256 claimId) = _cheat();
        uint256 before = _cheaterSide() + BOND;
        uint256 sock = _challenge(DAVE, claimId, 0);
        uint256 honest = _challenge(CAROL, claimId, 1);
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        game.timeout(honest);
        game.dismiss(sock);
        assertEq(arena.balanceOf(CAROL), BOND, "bond back");
        assertEq(before - _cheaterSide(), SLASH - SLASH / 2, "the cheater still loses slash - share");
    }

    /// @notice Any order of opening (liar, honest, self) and any of them convicting or ending
    ///         first: the share goes to the first dispute still open at the conviction, the honest
    ///         challenger never loses wei, the cheater loses at least slash - share (the whole
    ///         slash unless its own dispute was the first open one) and no wei is created.
    function testFuzz_rewardGoesToTheFirstOpenInAnyOrder(uint256 order, uint8 convictor, bool liarEndsFirst)
        public
    {
        (ClaimData memory c,, uint256 claimId) = _cheat();
        uint256 before = _cheaterSide() + BOND;
        address[3] memory who = [BOB, CAROL, DAVE];
        uint256[3] memory ids;
        for (uint256 k; k < 3; ++k) {
            // a permutation of (liar, honest, self) from `order`
            uint256 i = (order >> (8 * k)) % (3 - k);
            uint256 pick;
            for (uint256 j; j < 3; ++j) {
                if (ids[j] != 0) continue;
                if (i == 0) {
                    pick = j;
                    break;
                }
                --i;
            }
            ids[pick] = _challenge(who[pick], claimId, pick == 0 ? 0 : 1);
            vm.warp(block.timestamp + 1);
        }
        if (liarEndsFirst) _toAnswer(ids[0], c, 0);
        // the claimant keeps the other disputes alive with a summary each, except the convictor
        uint256 conv = 1 + convictor % 2; // CAROL or DAVE convicts
        _revealSummary(ALICE, ids[3 - conv], c, 1);
        vm.warp(block.timestamp + MOVE_WINDOW - 4); // before the first opening deadline
        if (!liarEndsFirst) _revealSummary(ALICE, ids[0], c, 0);
        vm.warp(block.timestamp + 5); // past every deadline but that one
        if (liarEndsFirst) game.timeout(ids[0]);
        uint256 first = game.firstOpenDispute(claimId);
        address rewarded = game.dispute(first).challenger;
        uint256 paidBefore = arena.balanceOf(rewarded);
        game.timeout(ids[conv]);
        assertEq(arena.balanceOf(rewarded) - paidBefore, SLASH / 2 + (first == ids[conv] ? BOND : 0), "first open");
        for (uint256 k; k < 3; ++k) {
            if (game.dispute(ids[k]).phase != DisputeGame.Phase.Resolved) game.dismiss(ids[k]);
        }
        assertTrue(arena.balanceOf(CAROL) >= BOND, "the honest challenger never loses");
        uint256 loss = before - _cheaterSide() + (liarEndsFirst ? BOND : 0);
        assertTrue(loss >= SLASH - SLASH / 2, "the cheater pays at least slash - share");
        if (rewarded != DAVE) assertEq(loss, SLASH, "the whole slash unless its own dispute was first");
        uint256 owed = arena.balanceOf(ALICE) + arena.balanceOf(BOB) + arena.balanceOf(CAROL) + arena.balanceOf(DAVE);
        assertEq(
            address(arena).balance,
            owed + arena.agent(aliceAgent).stake + arena.league(leagueId).rewardPool,
            "0 wei lost"
        );
    }

    // ------------------------------------------------------------ stake per open claim

    /// @notice Claims of `agentId` in `n` concurrent rounds (those the Arena accepts), each with
    ///         match 1 cheated, then each convicted by CAROL's timeout: returns how many were taken.
    function _convictConcurrent(uint256 agentId, uint256 n) internal returns (uint256 accepted) {
        uint256[] memory claimIds = new uint256[](n);
        for (uint256 k; k < n; ++k) {
            uint256 r = _round(leagueId);
            ClaimData memory c = _claim(r, agentId, ECHO);
            c.scores[1] += 30;
            _sealClaim(c);
            vm.prank(arena.agent(agentId).owner);
            try arena.submitClaim(r, agentId, c.root, c.scores) returns (uint256 claimId) {
                claimIds[accepted++] = claimId;
            } catch (bytes memory reason) {
                assertEq(bytes4(reason), Arena.StakeBelowMinimum.selector, "refused for want of free stake");
            }
        }
        for (uint256 k; k < accepted; ++k) {
            _challenge(CAROL, claimIds[k], 1);
        }
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        for (uint256 k; k < accepted; ++k) {
            game.timeout(game.disputeCount() - accepted + k + 1);
        }
    }

    /// @notice The review's finding: one 1 ETH stake backed three concurrent claims, and three
    ///         convictions found 1 ETH of 1.8 ETH of slashes. Now each claim locks minStake
    ///         (>= slashAmount) of free stake: the stake backs one claim at a time and the
    ///         conviction of every claim it backs pays its challenger in full.
    function test_everyConvictionIsPaidInFull() public {
        uint256 accepted = _convictConcurrent(aliceAgent, 3);
        assertEq(accepted, 1, "1 ETH of stake backs one claim at a time");
        assertEq(arena.balanceOf(CAROL), accepted * (BOND + SLASH / 2), "each conviction pays in full");
    }

    /// @notice Any stake, any number of concurrent claims: every accepted claim's conviction pays
    ///         the whole slash, the locked stake never exceeds the stake, and no wei is lost.
    function testFuzz_stakeBacksEachOpenClaim(uint96 rawStake, uint8 rawRounds) public {
        uint256 stakeAmount = 1 ether + uint256(rawStake) % 5 ether;
        uint256 n = 1 + rawRounds % 6;
        uint256 agentId = _agent(BOB, ECHO, stakeAmount);
        vm.roll(block.number + 1);
        uint256 accepted = _convictConcurrent(agentId, n);
        uint256 perClaim = MIN_STAKE;
        uint256 expected = stakeAmount / perClaim < n ? stakeAmount / perClaim : n;
        assertEq(accepted, expected, "as many claims as free stake backs");
        assertEq(arena.balanceOf(CAROL), accepted * (BOND + SLASH / 2), "each conviction pays in full");
        assertEq(uint256(arena.agent(agentId).stake), stakeAmount - accepted * SLASH, "whole slashes");
        assertEq(uint256(arena.agent(agentId).locked), 0, "nothing left locked");
        assertEq(
            address(arena).balance,
            arena.balanceOf(CAROL) + arena.agent(agentId).stake + arena.agent(aliceAgent).stake
                + arena.league(leagueId).rewardPool,
            "0 wei lost"
        );
    }
}
