// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OneRoundBase} from "./ArenaBase.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {DisputeGame} from "../../src/arena/DisputeGame.sol";
import {IArenaGame} from "../../src/arena/IArenaGame.sol";
import {MerkleBuilder} from "../lib/MerkleBuilder.sol";

contract DisputeTest is OneRoundBase {
    function _honest() internal returns (ClaimData memory c, uint256 claimId) {
        c = _claim(roundId, aliceAgent, ECHO);
        claimId = _submit(ALICE, c);
    }

    /// @notice Alice's claim with match 1 cheated at step `k`: a fake state with 30 more points,
    ///         play continued from it, the inflated score posted.
    function _tampered(uint256 k) internal returns (ClaimData memory c, ClaimData memory truth, uint256 claimId) {
        truth = _claim(roundId, aliceAgent, ECHO);
        c = _claim(roundId, aliceAgent, ECHO);
        c.matches[1] = _play(ECHO, c.matches[1].seed, k);
        c.scores[1] = c.matches[1].score;
        assertEq(int256(c.scores[1]), int256(truth.scores[1]) + 30, "inflated");
        _sealClaim(c);
        claimId = _submit(ALICE, c);
    }

    function _assertClaimantLost(uint256 claimId, uint256 challengerBalance) internal view {
        assertEq(arena.claimCommit(claimId), arena.VOIDED(), "voided");
        assertTrue(arena.disqualified(aliceAgent, leagueId), "disqualified");
        assertEq(uint256(arena.agent(aliceAgent).stake), 1 ether - SLASH, "slashed");
        assertEq(arena.balanceOf(CAROL), challengerBalance, "challenger paid");
        assertEq(arena.league(leagueId).rewardPool, POOL + SLASH / 2, "half the slash to the pool");
        assertEq(uint256(arena.round(roundId).liveClaims), 0, "no live claim");
        assertEq(uint256(arena.round(roundId).openDisputes), 0, "no open dispute");
        assertEq(uint256(arena.agent(aliceAgent).openClaims), 0, "stake unlocked");
    }

    function _expectResolved(uint256 id, uint256 claimId, IArenaGame.Verdict v, DisputeGame.Reason reason) internal {
        vm.expectEmit();
        emit DisputeGame.DisputeResolved(id, claimId, v, reason);
    }

    /// @notice CAROL challenges match `m` of `owner`'s claim, which reveals `c` down to the one-step
    ///         phase (CAROL comparing against `truth`), then proves the step and expects `v`/`reason`.
    function _disputeToStepProof(
        address owner,
        uint256 claimId,
        ClaimData memory c,
        uint16 m,
        MatchTrace memory truth,
        bytes memory program,
        IArenaGame.Verdict v,
        DisputeGame.Reason reason
    ) internal {
        MatchTrace memory t = c.matches[m];
        uint256 id = _challenge(CAROL, claimId, m);
        _revealSummary(owner, id, c, m);
        _revealFinal(owner, id, t);
        _bisect(owner, CAROL, id, t, truth);
        _expectResolved(id, claimId, v, reason);
        _proveStep(CAROL, id, t, truth, program);
    }

    // ------------------------------------------------------------ full games

    function test_honestClaimantBeatsChallengerWhoDisagreesWithEverything() public {
        (ClaimData memory c, uint256 claimId) = _honest();
        uint256 id = _challenge(CAROL, claimId, 1);
        _revealSummary(ALICE, id, c, 1);
        _revealFinal(ALICE, id, c.matches[1]);
        MatchTrace memory lie = _play(PLUS_ONE, c.matches[1].seed); // the challenger's wrong belief
        lie.states = new bytes[](c.matches[1].steps + 1);
        for (uint256 i; i < lie.states.length; ++i) {
            lie.states[i] = "x";
        }
        _bisect(ALICE, CAROL, id, c.matches[1], lie);
        DisputeGame.Dispute memory d = game.dispute(id);
        assertEq(int256(d.lo), -1, "lo");
        assertEq(int256(d.hi), 0, "hi");
        _expectResolved(id, claimId, IArenaGame.Verdict.ChallengerLost, DisputeGame.Reason.StepValid);
        _proveStep(CAROL, id, c.matches[1], c.matches[1], ECHO);
        assertEq(arena.balanceOf(ALICE), BOND, "bond to the owner");
        assertTrue(arena.claimCommit(claimId) != arena.VOIDED(), "claim stands");
        assertTrue(_phase(id) == DisputeGame.Phase.Resolved, "resolved");
    }

    function test_honestClaimantBeatsChallengerWhoAgreesWithEverything() public {
        (ClaimData memory c, uint256 claimId) = _honest();
        uint256 id = _challenge(CAROL, claimId, 2);
        _revealSummary(ALICE, id, c, 2);
        _revealFinal(ALICE, id, c.matches[2]);
        _bisect(ALICE, CAROL, id, c.matches[2], c.matches[2]);
        assertEq(int256(game.dispute(id).hi), int256(uint256(c.matches[2].steps - 1)), "last step");
        _expectResolved(id, claimId, IArenaGame.Verdict.ChallengerLost, DisputeGame.Reason.StepValid);
        _proveStep(CAROL, id, c.matches[2], c.matches[2], ECHO);
        assertEq(arena.balanceOf(ALICE), BOND, "bond to the owner");
    }

    function test_honestChallengerCatchesTamperedStep() public {
        for (uint256 k; k < MAX_TURNS; ++k) {
            uint256 snap = _snapshot();
            (ClaimData memory c, ClaimData memory truth, uint256 claimId) = _tampered(k);
            uint256 id = _challenge(CAROL, claimId, 1);
            _revealSummary(ALICE, id, c, 1);
            _revealFinal(ALICE, id, c.matches[1]);
            _bisect(ALICE, CAROL, id, c.matches[1], truth.matches[1]);
            assertEq(int256(game.dispute(id).hi), int256(k), "found the tampered step");
            _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.StepMismatch);
            _proveStep(CAROL, id, c.matches[1], truth.matches[1], ECHO);
            _assertClaimantLost(claimId, BOND + SLASH / 2);
            _restore(snap);
        }
    }

    function test_postedScoreDifferentFromSummaryLosesAtOnce() public {
        ClaimData memory c = _claim(roundId, aliceAgent, ECHO);
        c.scores[0] += 3; // posted score inflated, summary keeps the true one
        c.summaries = new bytes[](3);
        for (uint256 m; m < 3; ++m) {
            c.summaries[m] = _summary(m, c.matches[m], c.matches[m].score);
        }
        c.root = _root(c.summaries);
        uint256 claimId = _submit(ALICE, c);
        uint256 id = _challenge(CAROL, claimId, 0);
        bytes32[] memory proof = MerkleBuilder.proof(MerkleBuilder.leafHashes(c.summaries), 0);
        MatchTrace memory t = c.matches[0];
        _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.WrongScore);
        vm.prank(ALICE);
        game.revealSummary(id, c.root, c.scores, DisputeGame.Summary(t.seed, t.root, t.steps, t.score), proof);
        _assertClaimantLost(claimId, BOND + SLASH / 2);
    }

    function test_wrongMatchSeedLosesAtOnce() public {
        ClaimData memory c = _claim(roundId, aliceAgent, ECHO);
        c.matches[2] = _play(ECHO, keccak256("my own seed"));
        c.scores[2] = c.matches[2].score;
        _sealClaim(c);
        uint256 claimId = _submit(ALICE, c);
        uint256 id = _challenge(CAROL, claimId, 2);
        _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.WrongSeed);
        _revealSummary(ALICE, id, c, 2);
        _assertClaimantLost(claimId, BOND + SLASH / 2);
    }

    function test_inflatedFinalScoreIsFinalStateFraud() public {
        ClaimData memory c = _claim(roundId, aliceAgent, ECHO);
        c.scores[1] += 30;
        _sealClaim(c); // summary and posted score agree, the trace does not
        uint256 claimId = _submit(ALICE, c);
        uint256 id = _challenge(CAROL, claimId, 1);
        _revealSummary(ALICE, id, c, 1);
        _revealFinal(ALICE, id, c.matches[1]);
        MatchTrace memory t = c.matches[1];
        vm.prank(CAROL);
        vm.expectRevert(DisputeGame.PreimageMismatch.selector);
        game.proveFinalStateFraud(id, t.states[0]);
        _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.FinalScoreMismatch);
        vm.prank(CAROL);
        game.proveFinalStateFraud(id, t.states[t.steps]);
        _assertClaimantLost(claimId, BOND + SLASH / 2);
    }

    function test_truncatedTraceIsFinalStateFraud() public {
        ClaimData memory c = _claim(roundId, aliceAgent, ECHO);
        MatchTrace memory t = c.matches[0];
        DisputeGame.Entry[] memory entries = t.entries;
        assembly {
            mstore(entries, sub(mload(entries), 1))
        }
        t.steps -= 1;
        _seal(t);
        _sealClaim(c);
        uint256 claimId = _submit(ALICE, c);
        uint256 id = _challenge(CAROL, claimId, 0);
        _revealSummary(ALICE, id, c, 0);
        _revealFinal(ALICE, id, t);
        _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.FinalNotTerminal);
        vm.prank(CAROL);
        game.proveFinalStateFraud(id, t.states[t.steps]);
    }

    function test_finalStateFraudClaimOnHonestTraceReverts() public {
        (ClaimData memory c, uint256 claimId) = _honest();
        uint256 id = _challenge(CAROL, claimId, 0);
        _revealSummary(ALICE, id, c, 0);
        vm.prank(CAROL);
        vm.expectRevert(DisputeGame.FinalNotRevealed.selector);
        game.proveFinalStateFraud(id, c.matches[0].states[MAX_TURNS]);
        _revealFinal(ALICE, id, c.matches[0]);
        vm.prank(CAROL);
        vm.expectRevert(DisputeGame.NoFraud.selector);
        game.proveFinalStateFraud(id, c.matches[0].states[MAX_TURNS]);
        vm.prank(DAVE);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.NotChallenger.selector, DAVE));
        game.proveFinalStateFraud(id, c.matches[0].states[MAX_TURNS]);
    }

    function test_firstEntryNotStartingAtInitialStateIsBrokenChain() public {
        ClaimData memory c = _claim(roundId, aliceAgent, ECHO);
        c.matches[0].entries[0].preStateHash = keccak256("elsewhere");
        _seal(c.matches[0]);
        _sealClaim(c);
        uint256 claimId = _submit(ALICE, c);
        uint256 id = _challenge(CAROL, claimId, 0);
        _revealSummary(ALICE, id, c, 0);
        _revealFinal(ALICE, id, c.matches[0]);
        while (_phase(id) == DisputeGame.Phase.AwaitMid) {
            uint32 mid = game.midpoint(id);
            bytes32[] memory proof = MerkleBuilder.proof(c.matches[0].leaves, mid);
            vm.prank(ALICE);
            game.revealMidpoint(id, c.matches[0].entries[mid], proof);
            vm.prank(CAROL);
            game.answer(id, false);
        }
        _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.BrokenChain);
        vm.prank(CAROL);
        game.proveStep(id, DisputeGame.Entry(0, 0, 0, 0), c.matches[0].entries[0], "", ECHO);
    }

    function test_stepAfterTerminalStateIsNeverValid() public {
        ClaimData memory c = _claim(roundId, aliceAgent, ECHO);
        MatchTrace memory t = c.matches[0];
        // Append one more (self-consistent) step taken from the final, terminal state.
        DisputeGame.Entry[] memory longer = new DisputeGame.Entry[](t.steps + 1);
        for (uint256 i; i < t.steps; ++i) {
            longer[i] = t.entries[i];
        }
        bytes32 finalHash = keccak256(t.states[t.steps]);
        longer[t.steps] = DisputeGame.Entry(finalHash, 0, 1, keccak256("after the end"));
        t.entries = longer;
        t.steps += 1;
        _seal(t);
        _sealClaim(c);
        uint256 claimId = _submit(ALICE, c);
        uint256 id = _challenge(CAROL, claimId, 0);
        _revealSummary(ALICE, id, c, 0);
        _revealFinal(ALICE, id, t);
        while (_phase(id) == DisputeGame.Phase.AwaitMid) {
            uint32 mid = game.midpoint(id);
            bytes32[] memory proof = MerkleBuilder.proof(t.leaves, mid);
            vm.prank(ALICE);
            game.revealMidpoint(id, t.entries[mid], proof);
            vm.prank(CAROL);
            game.answer(id, true);
        }
        _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.StepFromTerminal);
        vm.prank(CAROL);
        game.proveStep(id, t.entries[t.steps - 2], t.entries[t.steps - 1], t.states[t.steps - 1], ECHO);
    }

    function test_forfeitOutcomesMapToForfeitStepEntries() public {
        // PLUS_ONE returns 4 when it sees target 3: invalid_action; TRAPPER traps at step 0.
        uint256 plus = _agent(BOB, PLUS_ONE, 1 ether);
        uint256 trap = _agent(DAVE, TRAPPER, 1 ether);
        uint256 r = _round(leagueId);
        ClaimData memory cp = _claim(r, plus, PLUS_ONE);
        ClaimData memory ct = _claim(r, trap, TRAPPER);
        assertEq(uint256(ct.matches[0].steps), 1, "trap ends at once");
        assertEq(uint256(ct.matches[0].entries[0].outcome), 1, "trap outcome");
        uint256 cpId = _submit(BOB, cp);
        uint256 ctId = _submit(DAVE, ct);
        // Trap: one step, straight to the one-step proof, which confirms the forfeit.
        uint256 id = _challenge(CAROL, ctId, 0);
        _revealSummary(DAVE, id, ct, 0);
        _revealFinal(DAVE, id, ct.matches[0]);
        assertTrue(_phase(id) == DisputeGame.Phase.AwaitOneStep, "one step");
        _expectResolved(id, ctId, IArenaGame.Verdict.ChallengerLost, DisputeGame.Reason.StepValid);
        _proveStep(CAROL, id, ct.matches[0], ct.matches[0], TRAPPER);
        // Find a PLUS_ONE match that ended in invalid_action and prove its last step.
        for (uint16 m; m < 3; ++m) {
            MatchTrace memory t = cp.matches[m];
            if (t.entries[t.steps - 1].outcome != 3) continue;
            _disputeToStepProof(
                BOB, cpId, cp, m, t, PLUS_ONE, IArenaGame.Verdict.ChallengerLost, DisputeGame.Reason.StepValid
            );
            return;
        }
        revert("no invalid_action match in this seed");
    }

    function test_claimingOkForAnInvalidActionIsCaught() public {
        uint256 plus = _agent(BOB, PLUS_ONE, 1 ether);
        uint256 r = _round(leagueId);
        ClaimData memory truth = _claim(r, plus, PLUS_ONE);
        ClaimData memory c = _claim(r, plus, PLUS_ONE);
        for (uint16 m; m < 3; ++m) {
            MatchTrace memory t = c.matches[m];
            uint256 last = t.steps - 1;
            if (t.entries[last].outcome != 3) continue;
            t.entries[last].outcome = 0;
            _seal(t);
            _sealClaim(c);
            uint256 claimId = _submit(BOB, c);
            // The post-states are the true ones: the challenger agrees down to the last step.
            _disputeToStepProof(
                BOB,
                claimId,
                c,
                m,
                truth.matches[m],
                PLUS_ONE,
                IArenaGame.Verdict.ClaimantLost,
                DisputeGame.Reason.StepMismatch
            );
            return;
        }
        revert("no invalid_action match in this seed");
    }

    function test_abiV1AgentStepProves() public {
        uint256 v1 = _agent(BOB, ECHO_V1, 1 ether);
        uint256 r = _round(leagueId);
        ClaimData memory c = _claim(r, v1, ECHO_V1);
        uint256 claimId = _submit(BOB, c);
        _disputeToStepProof(
            BOB, claimId, c, 0, c.matches[0], ECHO_V1, IArenaGame.Verdict.ChallengerLost, DisputeGame.Reason.StepValid
        );
    }

    /// @notice Whatever a challenger answers, an honest claimant wins (DESIGN.md: an honest claimant
    ///         wins every dispute against any challenger).
    function testFuzz_honestClaimantBeatsAnyChallenger(uint256 answers, uint8 rawMatch, bool tryFraud) public {
        (ClaimData memory c, uint256 claimId) = _honest();
        uint16 m = uint16(rawMatch % 3);
        MatchTrace memory t = c.matches[m];
        uint256 id = _challenge(CAROL, claimId, m);
        _revealSummary(ALICE, id, c, m);
        _revealFinal(ALICE, id, t);
        if (tryFraud) {
            vm.prank(CAROL);
            vm.expectRevert(DisputeGame.NoFraud.selector);
            game.proveFinalStateFraud(id, t.states[t.steps]);
        }
        while (_phase(id) == DisputeGame.Phase.AwaitMid) {
            uint32 mid = game.midpoint(id);
            bytes32[] memory proof = MerkleBuilder.proof(t.leaves, mid);
            vm.prank(ALICE);
            game.revealMidpoint(id, t.entries[mid], proof);
            vm.prank(CAROL);
            game.answer(id, answers & 1 == 1);
            answers >>= 1;
        }
        _expectResolved(id, claimId, IArenaGame.Verdict.ChallengerLost, DisputeGame.Reason.StepValid);
        _proveStep(CAROL, id, t, t, ECHO);
        assertEq(arena.balanceOf(ALICE), BOND, "bond to the owner");
        assertEq(uint256(arena.agent(aliceAgent).stake), 1 ether, "no slash");
    }

    /// @notice Wherever a claimant cheats, an honest challenger wins.
    function testFuzz_honestChallengerBeatsAnyCheat(uint8 rawStep) public {
        uint256 k = rawStep % MAX_TURNS;
        (ClaimData memory c, ClaimData memory truth, uint256 claimId) = _tampered(k);
        uint256 id = _challenge(CAROL, claimId, 1);
        _revealSummary(ALICE, id, c, 1);
        _revealFinal(ALICE, id, c.matches[1]);
        _bisect(ALICE, CAROL, id, c.matches[1], truth.matches[1]);
        _proveStep(CAROL, id, c.matches[1], truth.matches[1], ECHO);
        _assertClaimantLost(claimId, BOND + SLASH / 2);
    }

    // ------------------------------------------------------------ timeouts and misuse

    function test_claimantTimeoutLoses() public {
        (, uint256 claimId) = _honest();
        uint256 id = _challenge(CAROL, claimId, 0);
        uint40 deadline = game.dispute(id).deadline;
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.DeadlineNotPassed.selector, deadline));
        game.timeout(id);
        vm.warp(uint256(deadline) + 1);
        _expectResolved(id, claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.ClaimantTimeout);
        game.timeout(id);
        _assertClaimantLost(claimId, BOND + SLASH / 2);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.DisputeOver.selector, id));
        game.timeout(id);
    }

    function test_challengerTimeoutLosesAndLateMovesRevert() public {
        (ClaimData memory c, uint256 claimId) = _honest();
        uint256 id = _challenge(CAROL, claimId, 0);
        _revealSummary(ALICE, id, c, 0);
        _revealFinal(ALICE, id, c.matches[0]);
        uint32 mid = game.midpoint(id);
        bytes32[] memory proof = MerkleBuilder.proof(c.matches[0].leaves, mid);
        vm.prank(ALICE);
        game.revealMidpoint(id, c.matches[0].entries[mid], proof);
        uint40 deadline = game.dispute(id).deadline;
        vm.warp(uint256(deadline) + 1);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.MoveTooLate.selector, deadline));
        game.answer(id, true);
        _expectResolved(id, claimId, IArenaGame.Verdict.ChallengerLost, DisputeGame.Reason.ChallengerTimeout);
        game.timeout(id);
        assertEq(arena.balanceOf(ALICE), BOND, "bond to the owner");
    }

    function test_movesByWrongPartyOrInWrongPhaseRevert() public {
        (ClaimData memory c, uint256 claimId) = _honest();
        uint256 id = _challenge(CAROL, claimId, 0);
        MatchTrace memory t = c.matches[0];
        bytes32[] memory proof = MerkleBuilder.proof(MerkleBuilder.leafHashes(c.summaries), 0);
        DisputeGame.Summary memory s = DisputeGame.Summary(t.seed, t.root, t.steps, t.score);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.NotClaimant.selector, CAROL));
        game.revealSummary(id, c.root, c.scores, s, proof);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(
                DisputeGame.WrongPhase.selector, DisputeGame.Phase.AwaitAnswer, DisputeGame.Phase.AwaitSummary
            )
        );
        game.answer(id, true);
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(
                DisputeGame.WrongPhase.selector, DisputeGame.Phase.AwaitFinal, DisputeGame.Phase.AwaitSummary
            )
        );
        game.revealFinal(id, t.entries[t.steps - 1], new bytes32[](0));
        vm.prank(ALICE);
        vm.expectRevert(DisputeGame.BadClaimOpening.selector);
        game.revealSummary(id, bytes32(0), c.scores, s, proof);
        vm.prank(ALICE);
        vm.expectRevert(DisputeGame.BadProof.selector);
        game.revealSummary(id, c.root, c.scores, s, new bytes32[](0));
        s.steps += 1;
        vm.prank(ALICE);
        vm.expectRevert(DisputeGame.BadProof.selector);
        game.revealSummary(id, c.root, c.scores, s, proof);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.UnknownDispute.selector, 99));
        game.timeout(99);
        _revealSummary(ALICE, id, c, 0);
        bytes32[] memory finalProof = MerkleBuilder.proof(t.leaves, t.steps - 1);
        vm.prank(ALICE);
        vm.expectRevert(DisputeGame.BadProof.selector);
        game.revealFinal(id, t.entries[0], finalProof);
        _revealFinal(ALICE, id, t);
        _bisect(ALICE, CAROL, id, t, t);
        uint256 hi = uint256(uint32(game.dispute(id).hi));
        DisputeGame.Entry memory lo = t.entries[hi - 1];
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.NotChallenger.selector, ALICE));
        game.proveStep(id, lo, t.entries[hi], t.states[hi], ECHO);
        vm.prank(CAROL);
        vm.expectRevert(DisputeGame.BadEntry.selector);
        game.proveStep(id, lo, t.entries[0], t.states[hi], ECHO);
        vm.prank(CAROL);
        vm.expectRevert(DisputeGame.BadEntry.selector);
        game.proveStep(id, t.entries[hi], t.entries[hi], t.states[hi], ECHO);
        vm.prank(CAROL);
        vm.expectRevert(DisputeGame.PreimageMismatch.selector);
        game.proveStep(id, lo, t.entries[hi], t.states[0], ECHO);
        vm.prank(CAROL);
        vm.expectRevert(DisputeGame.CodeMismatch.selector);
        game.proveStep(id, lo, t.entries[hi], t.states[hi], PLUS_ONE);
    }

    function test_challengeErrors() public {
        (, uint256 claimId) = _honest();
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(Arena.WrongBond.selector, 1, BOND));
        game.challenge{value: 1}(claimId, 0);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.BadMatchIndex.selector, 3, 3));
        game.challenge{value: BOND}(claimId, 3);
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(Arena.ClaimNotLive.selector, claimId + 1));
        game.challenge{value: BOND}(claimId + 1, 0);
        vm.warp(arena.round(roundId).challengeDeadline + 1);
        uint64 deadline = arena.round(roundId).challengeDeadline;
        vm.prank(CAROL);
        vm.expectRevert(abi.encodeWithSelector(Arena.ChallengeWindowClosed.selector, deadline));
        game.challenge{value: BOND}(claimId, 0);
    }

    // ------------------------------------------------------------ concurrent disputes (step 7)

    function test_concurrentDisputesSlashOnceAndHoldNothingBack() public {
        (ClaimData memory c, ClaimData memory truth, uint256 claimId) = _tampered(2);
        uint256 friendly = _challenge(DAVE, claimId, 0); // a stalling friend
        uint256 honest = _challenge(CAROL, claimId, 1);
        assertEq(uint256(arena.round(roundId).openDisputes), 2, "two open");
        vm.expectRevert(abi.encodeWithSelector(Arena.ClaimNotVoided.selector, claimId));
        game.dismiss(friendly);
        _revealSummary(ALICE, honest, c, 1);
        _revealFinal(ALICE, honest, c.matches[1]);
        _bisect(ALICE, CAROL, honest, c.matches[1], truth.matches[1]);
        _proveStep(CAROL, honest, c.matches[1], truth.matches[1], ECHO);
        vm.expectRevert(abi.encodeWithSelector(Arena.ClaimNotLive.selector, claimId));
        _challenge(BOB, claimId, 2);
        bytes32[] memory proof0 = MerkleBuilder.proof(MerkleBuilder.leafHashes(c.summaries), 0);
        MatchTrace memory t0 = c.matches[0];
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.ClaimVoided.selector, claimId));
        game.revealSummary(
            friendly, c.root, c.scores, DisputeGame.Summary(t0.seed, t0.root, t0.steps, t0.score), proof0
        );
        vm.warp(arena.round(roundId).challengeDeadline + 1);
        // The voided claim holds nothing back, even with the friend's dispute still open.
        arena.settleRound(roundId, new Arena.ClaimOpening[](0));
        assertTrue(arena.round(roundId).settled, "settled while the friend's dispute is open");
        _expectResolved(friendly, claimId, IArenaGame.Verdict.Dismissed, DisputeGame.Reason.ClaimVoidedElsewhere);
        game.dismiss(friendly);
        // The friend's dispute was the first open one: it holds the share (contracts.md, "Who is
        // paid for a conviction"), the honest challenger its bond; the claimant lost the whole slash.
        assertEq(arena.balanceOf(DAVE), BOND + SLASH / 2, "first open dispute: bond + share");
        _assertClaimantLost(claimId, BOND);
        uint256 next = _round(leagueId);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.Disqualified.selector, aliceAgent, leagueId));
        arena.submitClaim(next, aliceAgent, bytes32(0), new int64[](3));
    }

    function test_secondWinningDisputeOnVoidedClaimOnlyRefunds() public {
        (ClaimData memory c,, uint256 claimId) = _tampered(0);
        uint256 first = _challenge(CAROL, claimId, 0);
        uint256 second = _challenge(BOB, claimId, 2);
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        game.timeout(first);
        game.timeout(second); // claimant late again: no second slash, bond back
        assertEq(arena.balanceOf(BOB), BOND, "refund only");
        _assertClaimantLost(claimId, BOND + SLASH / 2);
        c; // silence
    }

    /// @notice Each claim locks minStake, so a league whose slash exceeds it is refused: no
    ///         conviction can find less than its whole slash.
    function test_slashNeverExceedsTheStakeAClaimLocks() public {
        Arena.LeagueConfig memory cfg = _config(3);
        cfg.slashAmount = uint128(MIN_STAKE + 1);
        vm.prank(CREATOR);
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "slashAmount"));
        arena.createLeague(cfg);
        cfg.slashAmount = uint128(MIN_STAKE);
        vm.prank(CREATOR);
        uint256 harsh = arena.createLeague(cfg);
        uint256 r2 = _round(harsh);
        ClaimData memory c2 = _claim(r2, aliceAgent, ECHO);
        uint256 claimId2 = _submit(ALICE, c2);
        uint256 id = _challenge(CAROL, claimId2, 0);
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        game.timeout(id);
        assertEq(uint256(arena.agent(aliceAgent).stake), 0, "the whole locked stake");
        assertEq(arena.balanceOf(CAROL), BOND + MIN_STAKE / 2, "half of the slash");
        assertEq(arena.league(harsh).rewardPool, MIN_STAKE / 2, "other half to the pool");
    }

    function _root(bytes[] memory entries) internal view returns (bytes32) {
        return MerkleBuilder.root(MerkleBuilder.leafHashes(entries));
    }
}
