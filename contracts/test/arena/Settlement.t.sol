// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBase} from "./ArenaBase.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {DisputeGame} from "../../src/arena/DisputeGame.sol";
import {MerkleBuilder} from "../lib/MerkleBuilder.sol";

/// @notice Settlement at scale (protocol revision 3, contracts.md "Settlement in batches"): a round
///         of any size settles in batches that anyone sends in any order; no entrant cap that one
///         party can fill; a dispute holds back only its own claim, and its delay costs its causer.
contract SettlementTest is ArenaBase {
    address internal constant SQUATTER = address(0x5000);

    /// @notice Registers `n` agents (owner 0x10000 + i, or `owner` when nonzero), 1 ether stake each.
    function _entrants(uint256 n, address owner) internal returns (uint256 first) {
        first = arena.agentCount() + 1;
        for (uint256 i; i < n; ++i) {
            address who = owner == address(0) ? address(uint160(0x10000 + i)) : owner;
            vm.deal(who, who.balance + 2 ether);
            _agent(who, ECHO, 1 ether);
        }
    }

    function _ownerOf(uint256 agentId) internal view returns (address) {
        return arena.agent(agentId).owner;
    }

    /// @notice Claims for agents first..first+n-1 with per-claim totals drawn from `seed` in
    ///         [0, spread); returns their openings in agent order.
    function _claimAll(uint256 r, uint256 first, uint256 n, uint256 spread, uint256 seed)
        internal
        returns (Arena.ClaimOpening[] memory openings)
    {
        uint16 matches = arena.league(arena.round(r).leagueId).matchesPerRound;
        openings = new Arena.ClaimOpening[](n);
        for (uint256 i; i < n; ++i) {
            int64[] memory scores = new int64[](matches);
            scores[0] = int64(int256(uint256(keccak256(abi.encode(seed, i))) % spread));
            bytes32 root = keccak256(abi.encode("root", i));
            vm.prank(_ownerOf(first + i));
            arena.submitClaim(r, first + i, root, scores);
            openings[i] = Arena.ClaimOpening(uint64(first + i), root, scores);
        }
    }

    /// @notice Agent ids of the best `k` openings: total descending, then agent id ascending.
    function _best(Arena.ClaimOpening[] memory openings, uint256 k) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](k);
        int256[] memory totals = new int256[](k);
        uint256 filled;
        for (uint256 i; i < openings.length; ++i) {
            int256 total = openings[i].scores[0];
            uint256 id = openings[i].agentId;
            uint256 j = filled < k ? filled++ : k;
            while (j > 0 && (totals[j - 1] < total || (totals[j - 1] == total && ids[j - 1] > id))) {
                if (j < k) (totals[j], ids[j]) = (totals[j - 1], ids[j - 1]);
                --j;
            }
            if (j < k) (totals[j], ids[j]) = (total, id);
        }
    }

    function _slice(Arena.ClaimOpening[] memory all, uint256 from, uint256 to)
        internal
        pure
        returns (Arena.ClaimOpening[] memory part)
    {
        part = new Arena.ClaimOpening[](to - from);
        for (uint256 i = from; i < to; ++i) {
            part[i - from] = all[i];
        }
    }

    // ------------------------------------------------------------ item 3: batches, any caller

    /// @notice 1,400 one-match claims (revision 2 capped a round at 1,333 and needed one
    ///         transaction for all): seven batches in reverse order from seven callers. Each batch
    ///         unlocks its claims' stakes at once; the last one pays the ranks.
    function test_aLargeRoundSettlesInBatchesFromAnyCallers() public {
        uint256 l = _league(1, 100 ether);
        uint256 n = 1_400;
        uint256 first = _entrants(n, address(0));
        uint256 r = _round(l);
        Arena.ClaimOpening[] memory openings = _claimAll(r, first, n, 1_000, 7);
        vm.warp(block.timestamp + 7_201);
        uint256 batch = 200;
        for (uint256 b = n / batch; b > 0; --b) {
            assertTrue(!arena.round(r).settled, "not settled before the last batch");
            vm.prank(address(uint160(0xB000 + b)));
            arena.settleRound(r, _slice(openings, (b - 1) * batch, b * batch));
            assertEq(arena.agent(first + (b - 1) * batch).locked, 0, "a counted claim's stake is free at once");
        }
        assertTrue(arena.round(r).settled, "settled by the last batch");
        uint256[] memory best = _best(openings, 2);
        assertEq(arena.balanceOf(_ownerOf(best[0])), 6 ether, "rank 0 paid");
        assertEq(arena.balanceOf(_ownerOf(best[1])), 2 ether, "rank 1 paid");
        assertEq(arena.league(l).rewardPool, 92 ether, "pool pays ranks 0 and 1");
        for (uint256 i; i < n; i += 97) {
            assertEq(arena.agent(first + i).locked, 0, "every stake unlocked");
        }
        vm.expectRevert(abi.encodeWithSelector(Arena.RoundAlreadySettled.selector, r));
        arena.settleRound(r, _slice(openings, 0, 1));
    }

    /// @notice A claim counted twice, forged, or from another round is refused by position.
    function test_batchRefusesCountedForgedAndEarlyOpenings() public {
        uint256 l = _league(1, 10 ether);
        uint256 first = _entrants(3, address(0));
        uint256 r = _round(l);
        Arena.ClaimOpening[] memory openings = _claimAll(r, first, 3, 10, 1);
        vm.expectRevert(abi.encodeWithSelector(Arena.ChallengeWindowOpen.selector, arena.round(r).challengeDeadline));
        arena.settleRound(r, openings);
        vm.warp(block.timestamp + 7_201);
        vm.expectRevert(abi.encodeWithSelector(Arena.IncompleteRanking.selector, 0, 3));
        arena.settleRound(r, new Arena.ClaimOpening[](0));
        arena.settleRound(r, _slice(openings, 0, 1));
        Arena.ClaimOpening[] memory again = new Arena.ClaimOpening[](2);
        (again[0], again[1]) = (openings[1], openings[0]);
        vm.expectRevert(abi.encodeWithSelector(Arena.ClaimAlreadyRanked.selector, 1));
        arena.settleRound(r, again);
        Arena.ClaimOpening[] memory forged = new Arena.ClaimOpening[](1);
        int64[] memory scores = new int64[](1);
        scores[0] = openings[1].scores[0] + 1;
        forged[0] = Arena.ClaimOpening(openings[1].agentId, openings[1].claimRoot, scores);
        vm.expectRevert(abi.encodeWithSelector(Arena.BadClaimOpening.selector, 0));
        arena.settleRound(r, forged);
        forged[0] = Arena.ClaimOpening(uint64(first + 7), openings[1].claimRoot, openings[1].scores);
        vm.expectRevert(abi.encodeWithSelector(Arena.BadClaimOpening.selector, 0));
        arena.settleRound(r, forged);
        arena.settleRound(r, _slice(openings, 1, 3));
        assertTrue(arena.round(r).settled, "settled");
    }

    /// @notice Any partition of the claims into batches, sent in any order, pays the same ranks
    ///         as the full ranking (ties by agent id), unlocks every stake and keeps every wei.
    function testFuzz_anyBatchesInAnyOrderPayTheSameRanks(uint256 seed, uint8 rawRanks) public {
        Arena.LeagueConfig memory c = _config(1);
        uint256 ranks = 1 + rawRanks % 6;
        c.rewardSchedule = new uint128[](ranks);
        for (uint256 k; k < ranks; ++k) {
            c.rewardSchedule[k] = uint128((ranks - k) * 1 ether);
        }
        vm.prank(CREATOR);
        uint256 l = arena.createLeague{value: 30 ether}(c);
        uint256 n = 12;
        uint256 first = _entrants(n, address(0));
        uint256 r = _round(l);
        Arena.ClaimOpening[] memory openings = _claimAll(r, first, n, 5, seed);
        // A random order, cut into random batches.
        for (uint256 i = n; i > 1; --i) {
            uint256 j = uint256(keccak256(abi.encode(seed, "perm", i))) % i;
            (openings[i - 1], openings[j]) = (openings[j], openings[i - 1]);
        }
        vm.warp(block.timestamp + 7_201);
        uint256 balance = address(arena).balance;
        uint256 from;
        while (from < n) {
            uint256 to = from + 1 + uint256(keccak256(abi.encode(seed, "cut", from))) % 5;
            if (to > n) to = n;
            arena.settleRound(r, _slice(openings, from, to));
            from = to;
        }
        assertTrue(arena.round(r).settled, "settled");
        uint256[] memory best = _best(openings, ranks);
        uint256 paid;
        for (uint256 k; k < ranks; ++k) {
            uint256 expected = (ranks - k) * 1 ether * 2;
            if (paid + expected > 30 ether) expected = 30 ether - paid;
            assertEq(arena.balanceOf(_ownerOf(best[k])), expected, "rank paid as the full ranking says");
            paid += expected;
        }
        assertEq(arena.league(l).rewardPool, 30 ether - paid, "pool");
        for (uint256 i; i < n; ++i) {
            assertEq(arena.agent(first + i).locked, 0, "unlocked");
        }
        assertEq(address(arena).balance, balance, "no wei moved out");
    }

    // ------------------------------------------------------------ item 2: no squattable cap

    /// @notice One party enters 1,333 cheap agents (the whole revision 2 cap at one match): an
    ///         honest latecomer still enters, wins rank 0 and is paid. Admission is priced by the
    ///         stake each claim locks, not by a slot count.
    function test_aSquatterWithManyAgentsLocksNobodyOut() public {
        uint256 l = _league(1, 100 ether);
        uint256 n = 1_333;
        vm.deal(SQUATTER, 2_000 ether);
        uint256 first = _entrants(n, SQUATTER);
        uint256 honest = _agent(ALICE, ECHO, 1 ether);
        uint256 r = _round(l);
        Arena.ClaimOpening[] memory openings = _claimAll(r, first, n, 100, 3);
        int64[] memory scores = new int64[](1);
        scores[0] = 1_000;
        vm.prank(ALICE);
        arena.submitClaim(r, honest, keccak256("alice"), scores);
        assertEq(arena.round(r).liveClaims, n + 1, "the honest agent entered");
        assertEq(arena.agent(first).locked, MIN_STAKE, "each squatting claim locks its own stake");
        vm.warp(block.timestamp + 7_201);
        Arena.ClaimOpening[] memory mine = new Arena.ClaimOpening[](1);
        mine[0] = Arena.ClaimOpening(uint64(honest), keccak256("alice"), scores);
        vm.prank(ALICE);
        arena.settleRound(r, mine);
        assertEq(arena.agent(honest).locked, 0, "the honest agent's stake is free before the squatter's count");
        for (uint256 from; from < n; from += 400) {
            arena.settleRound(r, _slice(openings, from, from + 400 < n ? from + 400 : n));
        }
        assertEq(arena.balanceOf(ALICE), 6 ether, "the honest agent keeps its round and rank 0");
    }

    // ------------------------------------------------------------ item 5: a delay costs its causer

    struct Three {
        uint256 r;
        uint256 alice;
        uint256 bob;
        uint256 carol;
        ClaimData a;
        Arena.ClaimOpening[] openings;
    }

    /// @notice ALICE and BOB (the best total, ALICE first by id), and CAROL claim a 3-match round; DAVE, an address ALICE
    ///         controls, challenges ALICE's honest claim in the last second of the window.
    function _threeWithSelfChallenge() internal returns (Three memory t, uint256 dispute) {
        uint256 l = _league(3, 20 ether);
        t.alice = _agent(ALICE, ECHO, 1 ether);
        t.bob = _agent(BOB, ECHO, 1 ether);
        t.carol = _agent(CAROL, PLUS_ONE, 1 ether);
        t.r = _round(l);
        t.a = _claim(t.r, t.alice, ECHO);
        ClaimData memory b = _claim(t.r, t.bob, ECHO);
        ClaimData memory c = _claim(t.r, t.carol, PLUS_ONE);
        uint256 claimId = _submit(ALICE, t.a);
        _submit(BOB, b);
        _submit(CAROL, c);
        t.openings = new Arena.ClaimOpening[](3);
        (t.openings[0], t.openings[1], t.openings[2]) = (_opening(t.a), _opening(b), _opening(c));
        vm.warp(arena.round(t.r).challengeDeadline);
        dispute = _challenge(DAVE, claimId, 0);
        vm.warp(block.timestamp + 1);
    }

    /// @notice The others settle and are paid while ALICE's self-challenge runs (revision 2 reverted
    ///         DisputesOpen for up to ~65 move windows); ALICE's own reward and stake wait for her
    ///         dispute and are released, with DAVE's bond, when DAVE times out.
    function test_aDisputeHoldsBackOnlyItsOwnClaim() public {
        (Three memory t, uint256 dispute) = _threeWithSelfChallenge();
        uint256 claimId = arena.claimIdOf(t.r, t.alice);
        vm.prank(BOB);
        arena.settleRound(t.r, t.openings);
        assertTrue(arena.round(t.r).settled, "the round settles with a dispute open");
        assertEq(arena.balanceOf(BOB), 2 ether, "rank 1 paid at once");
        assertEq(arena.agent(t.bob).locked + arena.agent(t.carol).locked, 0, "the others' stakes are free");
        assertEq(arena.agent(t.alice).locked, MIN_STAKE, "the disputed claim's stake waits");
        assertEq(arena.balanceOf(ALICE), 0, "the disputed claim's reward waits");
        assertEq(arena.league(arena.round(t.r).leagueId).rewardPool, 12 ether, "its reward is reserved");
        // ALICE plays her side as slowly as she may, DAVE lets the answer time out.
        vm.warp(block.timestamp + MOVE_WINDOW - 2);
        _revealSummary(ALICE, dispute, t.a, 0);
        vm.warp(block.timestamp + MOVE_WINDOW);
        _revealFinal(ALICE, dispute, t.a.matches[0]);
        uint32 mid = game.midpoint(dispute);
        bytes32[] memory proof = MerkleBuilder.proof(t.a.matches[0].leaves, mid);
        vm.prank(ALICE);
        game.revealMidpoint(dispute, t.a.matches[0].entries[mid], proof);
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        game.timeout(dispute);
        assertEq(arena.balanceOf(ALICE), 6 ether + BOND, "released: rank 0 and the stalling side's bond");
        assertEq(arena.agent(t.alice).locked, 0, "stake free");
        assertEq(arena.claimCommit(claimId), arena.RANKED(), "final");
    }

    /// @notice The same claim convicted after it was counted: it keeps its place, its reserved
    ///         reward returns to the pool (nobody moves up), and the slash is taken as always.
    function test_aHeldClaimConvictedLaterForfeitsItsRewardToThePool() public {
        (Three memory t, uint256 dispute) = _threeWithSelfChallenge();
        arena.settleRound(t.r, t.openings);
        uint256 leagueId = arena.round(t.r).leagueId;
        uint256 pool = arena.league(leagueId).rewardPool;
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        game.timeout(dispute); // ALICE never reveals
        assertEq(arena.league(leagueId).rewardPool, pool + 6 ether + SLASH / 2, "reward and half the slash");
        assertEq(arena.balanceOf(DAVE), BOND + SLASH / 2, "the first open dispute is paid");
        assertEq(arena.balanceOf(ALICE), 0, "nothing for the convicted claim");
        assertEq(arena.agent(t.alice).locked, 0, "its backing released by the slash");
        assertEq(arena.heldReward(arena.claimIdOf(t.r, t.alice)), 0, "no reserve left");
    }

    /// @notice A held claim whose dispute ends before the last batch is paid like any other.
    function test_aDisputeEndingBeforeTheLastBatchPaysNormally() public {
        (Three memory t, uint256 dispute) = _threeWithSelfChallenge();
        Arena.ClaimOpening[] memory firstTwo = new Arena.ClaimOpening[](2);
        (firstTwo[0], firstTwo[1]) = (t.openings[0], t.openings[1]);
        arena.settleRound(t.r, firstTwo);
        assertTrue(arena.held(arena.claimIdOf(t.r, t.alice)), "counted while disputed: held");
        _revealSummary(ALICE, dispute, t.a, 0);
        _revealFinal(ALICE, dispute, t.a.matches[0]);
        uint32 mid = game.midpoint(dispute);
        bytes32[] memory proof = MerkleBuilder.proof(t.a.matches[0].leaves, mid);
        vm.prank(ALICE);
        game.revealMidpoint(dispute, t.a.matches[0].entries[mid], proof);
        vm.warp(block.timestamp + MOVE_WINDOW + 1);
        game.timeout(dispute);
        assertEq(arena.balanceOf(ALICE), BOND, "only the bond before the round settles");
        arena.settleRound(t.r, _slice(t.openings, 2, 3));
        assertEq(arena.balanceOf(ALICE), BOND + 6 ether, "rank 0 paid at settlement");
    }
}
