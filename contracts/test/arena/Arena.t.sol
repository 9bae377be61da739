// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBase} from "./ArenaBase.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {ISystem} from "../../src/interfaces/ISystem.sol";
import {IArenaGame} from "../../src/arena/IArenaGame.sol";

/// @notice An Arena account run by a contract: registers, stakes, unstakes and withdraws on its own
///         behalf; subclasses decide what its receive hook does when the Arena pays it.
abstract contract ArenaAccount {
    Arena internal immutable arena;

    constructor(Arena arena_) {
        arena = arena_;
    }

    function register(bytes calldata code) external returns (uint256) {
        return arena.registerAgent(code);
    }

    function stakeOn(uint256 agentId) external payable {
        arena.stake{value: msg.value}(agentId);
    }

    function unstake(uint256 agentId, uint256 amount) external {
        arena.requestUnstake(agentId, amount);
    }

    function pull(uint256 amount) external {
        arena.withdraw(amount);
    }
}

/// @notice Receiver that re-enters the Arena from its receive hook and records what happened.
contract ReentrantReceiver is ArenaAccount {
    bytes public reentryError;
    uint256 public received;

    constructor(Arena arena_) ArenaAccount(arena_) {}

    receive() external payable {
        received += msg.value;
        try arena.withdraw(msg.value) {}
        catch (bytes memory err) {
            reentryError = err;
        }
    }
}

/// @notice Receiver that tries to open a dispute (moving its bond through the Arena) while being paid.
contract GameReentrant is ArenaAccount {
    bytes public reentryError;
    uint256 internal claimId;

    constructor(Arena arena_) ArenaAccount(arena_) {}

    function setUp(uint256 claimId_) external returns (uint256 agentId) {
        claimId = claimId_;
        agentId = arena.registerAgent(hex"00");
        arena.stake{value: 1 ether}(agentId);
        arena.requestUnstake(agentId, 1 ether);
    }

    receive() external payable {
        try arena.disputeGame().challenge{value: 0.2 ether}(claimId, 0) {}
        catch (bytes memory err) {
            reentryError = err;
        }
    }
}

/// @notice Receiver whose receive hook always reverts.
contract RejectingReceiver is ArenaAccount {
    constructor(Arena arena_) ArenaAccount(arena_) {}

    receive() external payable {
        revert("no");
    }
}

contract ArenaTest is ArenaBase {
    // ------------------------------------------------------------ registry

    function test_registerAgentStoresHashOwnerAbi() public {
        vm.expectEmit();
        emit Arena.AgentRegistered(1, ALICE, keccak256(ECHO_V1), 1);
        uint256 id = _agent(ALICE, ECHO_V1, 0);
        assertEq(id, 1, "first id");
        Arena.Agent memory a = arena.agent(id);
        assertEq(a.owner, ALICE, "owner");
        assertEq(a.codeHash, keccak256(ECHO_V1), "code hash");
        assertEq(uint256(a.abiVersion), 1, "abi");
        assertEq(uint256(a.registeredBlock), block.number, "block");
        assertEq(arena.agentCount(), 1, "count");
    }

    function test_registerAgentRefusesInvalidModule() public {
        vm.expectRevert(Arena.InvalidAgentModule.selector);
        arena.registerAgent(hex"ff");
        vm.expectRevert(Arena.InvalidAgentModule.selector);
        arena.registerAgent("");
    }

    // ------------------------------------------------------------ staking

    function test_stakeUnstakeFinalizeWithdraw() public {
        uint256 id = _agent(ALICE, ECHO, 2 ether);
        assertEq(uint256(arena.agent(id).stake), 2 ether, "staked");
        vm.prank(ALICE);
        vm.expectEmit();
        emit Arena.UnstakeRequested(id, 0.5 ether, 0.5 ether, uint64(block.timestamp + 1 days));
        arena.requestUnstake(id, 0.5 ether);
        vm.expectRevert(abi.encodeWithSelector(Arena.UnstakeNotReady.selector, uint64(block.timestamp + 1 days)));
        arena.finalizeUnstake(id);
        vm.warp(block.timestamp + 1 days);
        arena.finalizeUnstake(id);
        assertEq(arena.balanceOf(ALICE), 0.5 ether, "credited");
        assertEq(uint256(arena.agent(id).stake), 1.5 ether, "stake left");
        vm.expectRevert(abi.encodeWithSelector(Arena.NothingToUnstake.selector, id));
        arena.finalizeUnstake(id);
        uint256 before = ALICE.balance;
        vm.prank(ALICE);
        arena.withdraw(0.5 ether);
        assertEq(ALICE.balance - before, 0.5 ether, "paid");
        assertEq(arena.balanceOf(ALICE), 0, "zero");
    }

    function test_stakingErrors() public {
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(Arena.NotAgentOwner.selector, id, BOB));
        arena.stake{value: 1}(id);
        vm.prank(ALICE);
        vm.expectRevert(Arena.ZeroAmount.selector);
        arena.stake(id);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.UnknownAgent.selector, 9));
        arena.stake{value: 1}(9);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.InsufficientStake.selector, 2 ether, 1 ether));
        arena.requestUnstake(id, 2 ether);
        vm.prank(ALICE);
        vm.expectRevert(Arena.ZeroAmount.selector);
        arena.requestUnstake(id, 0);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(Arena.NotAgentOwner.selector, id, BOB));
        arena.requestUnstake(id, 1);
    }

    function test_stakeBackingOpenClaimIsLockedUntilSettlement() public {
        uint256 l = _league(2, 10 ether);
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        uint256 r = _round(l);
        ClaimData memory c = _claim(r, id, ECHO);
        _submit(ALICE, c);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.StakeLocked.selector, id, MIN_STAKE));
        arena.requestUnstake(id, 1);
        vm.warp(block.timestamp + 7_201);
        Arena.ClaimOpening[] memory ranked = new Arena.ClaimOpening[](1);
        ranked[0] = _opening(c);
        arena.settleRound(r, ranked);
        vm.prank(ALICE);
        arena.requestUnstake(id, 1 ether);
    }

    // ------------------------------------------------------------ leagues and rounds

    function test_createLeagueStoresTermsAndPool() public {
        uint256 l = _league(4, 10 ether);
        Arena.League memory lg = arena.league(l);
        assertEq(lg.creator, CREATOR, "creator");
        assertEq(lg.rewardPool, 10 ether, "pool");
        assertEq(uint256(lg.matchesPerRound), 4, "matches");
        assertEq(uint256(lg.rewardSchedule[0]), 3 ether, "schedule");
        assertEq(lg.systemParams, abi.encodePacked(MAX_TURNS), "params");
        vm.prank(BOB);
        vm.expectEmit();
        emit Arena.LeagueFunded(l, BOB, 1 ether, 11 ether);
        arena.fundLeague{value: 1 ether}(l);
        vm.expectRevert(Arena.ZeroAmount.selector);
        arena.fundLeague(l);
        vm.expectRevert(abi.encodeWithSelector(Arena.UnknownLeague.selector, 5));
        arena.fundLeague{value: 1}(5);
    }

    function test_createLeagueRejectsBadConfig() public {
        Arena.LeagueConfig memory c = _config(4);
        c.matchesPerRound = 0;
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "matchesPerRound"));
        arena.createLeague(c);
        c = _config(4);
        c.fuelPerDecision = 20_001;
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "fuelPerDecision"));
        arena.createLeague(c);
        c = _config(4);
        c.system = ISystem(address(0xdead));
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "system"));
        arena.createLeague(c);
        c = _config(4);
        c.systemParams = hex"00000000";
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "systemParams"));
        arena.createLeague(c);
        c = _config(4);
        c.challengerBond = 0;
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "challengerBond"));
        arena.createLeague(c);
        c = _config(4);
        c.rewardMultiplier = 0;
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "rewardMultiplier"));
        arena.createLeague(c);
        c = _config(4);
        c.moveWindow = 0;
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "moveWindow"));
        arena.createLeague(c);
        c = _config(4);
        c.rewardSchedule = new uint128[](65);
        vm.expectRevert(abi.encodeWithSelector(Arena.InvalidLeagueConfig.selector, "rewardSchedule"));
        arena.createLeague(c);
    }

    function test_roundSeedIsFutureBlockHash() public {
        uint256 l = _league(2, 0);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(Arena.NotLeagueCreator.selector, l, BOB));
        arena.openRound(l);
        vm.prank(CREATOR);
        uint256 r = arena.openRound(l);
        uint64 seedBlock = uint64(block.number + 1);
        assertEq(uint256(arena.round(r).seedBlock), seedBlock, "seed block");
        vm.expectRevert(abi.encodeWithSelector(Arena.SeedNotReady.selector, seedBlock));
        arena.fixSeed(r);
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(Arena.SeedNotReady.selector, seedBlock));
        arena.fixSeed(r);
        vm.roll(block.number + 1);
        bytes32 seed = arena.fixSeed(r);
        assertEq(seed, keccak256(abi.encode(blockhash(seedBlock), r)), "seed");
        assertEq(arena.round(r).seed, seed, "stored");
        vm.expectRevert(abi.encodeWithSelector(Arena.SeedAlreadyFixed.selector, r));
        arena.fixSeed(r);
        assertEq(arena.matchSeed(r, 3, 1), keccak256(abi.encode(seed, uint256(3), uint256(1))), "match seed");
        vm.expectRevert(abi.encodeWithSelector(Arena.UnknownRound.selector, 99));
        arena.fixSeed(99);
    }

    function test_seedExpiresAfter256Blocks() public {
        uint256 l = _league(2, 0);
        vm.prank(CREATOR);
        uint256 r = arena.openRound(l);
        uint64 seedBlock = uint64(block.number + 1);
        vm.roll(block.number + 300);
        vm.expectRevert(abi.encodeWithSelector(Arena.SeedExpired.selector, seedBlock));
        arena.fixSeed(r);
    }

    // ------------------------------------------------------------ claims

    function test_submitClaimStoresOneCommitment() public {
        uint256 l = _league(3, 0);
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        uint256 r = _round(l);
        ClaimData memory c = _claim(r, id, ECHO);
        int256 total = int256(c.scores[0]) + c.scores[1] + c.scores[2];
        vm.expectEmit();
        emit Arena.ClaimSubmitted((r << 64) | id, c.root, c.scores, total);
        uint256 claimId = _submit(ALICE, c);
        assertEq(claimId, arena.claimIdOf(r, id), "claim id");
        assertEq(
            arena.claimCommit(claimId), keccak256(abi.encode(c.root, keccak256(abi.encodePacked(c.scores)))), "commit"
        );
        assertEq(uint256(arena.round(r).liveClaims), 1, "live");
        assertEq(uint256(arena.agent(id).openClaims), 1, "open");
    }

    function test_submitClaimErrors() public {
        uint256 l = _league(2, 0);
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        uint256 poor = _agent(ALICE, ECHO, 0.5 ether);
        vm.prank(CREATOR);
        uint256 r = arena.openRound(l);
        int64[] memory scores = new int64[](2);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.SeedNotFixed.selector, r));
        arena.submitClaim(r, id, bytes32(0), scores);
        uint256 young = _agent(BOB, ECHO, 1 ether);
        vm.roll(block.number + 2);
        arena.fixSeed(r);
        uint256 late = _agent(BOB, ECHO, 1 ether);
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(Arena.NotAgentOwner.selector, id, BOB));
        arena.submitClaim(r, id, bytes32(0), scores);
        uint64 seedBlock = arena.round(r).seedBlock;
        vm.prank(BOB);
        vm.expectRevert(abi.encodeWithSelector(Arena.AgentTooNew.selector, late, seedBlock));
        arena.submitClaim(r, late, bytes32(0), scores);
        vm.prank(BOB);
        arena.submitClaim(r, young, bytes32(0), scores); // registered in the opening block: eligible
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.StakeBelowMinimum.selector, 0.5 ether, MIN_STAKE));
        arena.submitClaim(r, poor, bytes32(0), scores);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.WrongScoreCount.selector, 3, 2));
        arena.submitClaim(r, id, bytes32(0), new int64[](3));
        vm.prank(ALICE);
        arena.submitClaim(r, id, bytes32(0), scores);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.ClaimExists.selector, (r << 64) | id));
        arena.submitClaim(r, id, bytes32(0), scores);
        vm.warp(block.timestamp + 3_601);
        uint64 submitDeadline = arena.round(r).submitDeadline;
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.SubmissionClosed.selector, submitDeadline));
        arena.submitClaim(r, poor, bytes32(0), scores);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.UnknownRound.selector, 77));
        arena.submitClaim(77, id, bytes32(0), scores);
    }

    function test_submitClaimRejectsNonCanonicalScoreWords() public {
        uint256 l = _league(2, 0);
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        uint256 r = _round(l);
        int64[] memory scores = new int64[](2);
        scores[0] = -5;
        bytes memory data = abi.encodeCall(Arena.submitClaim, (r, id, bytes32(0), scores));
        // Word of scores[1] (last 32 bytes): 2^64 is no int64.
        data[data.length - 9] = 0x01;
        vm.prank(ALICE);
        (bool ok, bytes memory err) = address(arena).call(data);
        assertTrue(!ok, "refused");
        assertEq(err, abi.encodeWithSelector(Arena.InvalidScore.selector), "InvalidScore");
        vm.prank(ALICE);
        arena.submitClaim(r, id, bytes32(0), scores);
        assertEq(
            arena.claimCommit((r << 64) | id),
            keccak256(abi.encode(bytes32(0), keccak256(abi.encodePacked(scores)))),
            "commit of negative scores"
        );
    }

    // ------------------------------------------------------------ settlement

    function _threeClaims() internal returns (uint256 r, ClaimData[] memory cs) {
        uint256 l = _league(2, 100 ether);
        uint256 a = _agent(ALICE, ECHO, 1 ether); // scores 18 per match
        uint256 b = _agent(BOB, hex"05", 1 ether); // answers 0: lower
        uint256 d = _agent(DAVE, ECHO_V1, 1 ether); // same as echo: ties with ALICE
        r = _round(l);
        cs = new ClaimData[](3);
        cs[0] = _claim(r, a, ECHO);
        cs[1] = _claim(r, b, hex"05");
        cs[2] = _claim(r, d, ECHO_V1);
        _submit(ALICE, cs[0]);
        _submit(BOB, cs[1]);
        _submit(DAVE, cs[2]);
    }

    function test_settleRanksByTotalThenAgentIdAndPaysOnce() public {
        (uint256 r, ClaimData[] memory cs) = _threeClaims();
        Arena.ClaimOpening[] memory ranked = new Arena.ClaimOpening[](3);
        ranked[0] = _opening(cs[0]);
        ranked[1] = _opening(cs[2]);
        ranked[2] = _opening(cs[1]);
        vm.expectRevert(abi.encodeWithSelector(Arena.ChallengeWindowOpen.selector, arena.round(r).challengeDeadline));
        arena.settleRound(r, ranked);
        vm.warp(block.timestamp + 7_201);
        Arena.ClaimOpening[] memory bad = new Arena.ClaimOpening[](3);
        bad[0] = ranked[0];
        bad[1] = ranked[0];
        bad[2] = ranked[2];
        vm.expectRevert(abi.encodeWithSelector(Arena.ClaimAlreadyRanked.selector, 1));
        arena.settleRound(r, bad);
        bad[1] = Arena.ClaimOpening(ranked[1].agentId, ranked[1].claimRoot, new int64[](2));
        vm.expectRevert(abi.encodeWithSelector(Arena.BadClaimOpening.selector, 1));
        arena.settleRound(r, bad);
        vm.expectRevert(abi.encodeWithSelector(Arena.IncompleteRanking.selector, 0, 3));
        arena.settleRound(r, new Arena.ClaimOpening[](0));
        // Any order ranks the same (revision 3): the contract sorts; ties by agent id.
        (ranked[0], ranked[2]) = (ranked[2], ranked[0]);
        vm.expectEmit();
        emit Arena.RoundSettled(r, 3, 8 ether);
        arena.settleRound(r, ranked);
        assertEq(arena.balanceOf(ALICE), 6 ether, "rank 0: 3 ether x 2");
        assertEq(arena.balanceOf(DAVE), 2 ether, "rank 1: 1 ether x 2");
        assertEq(arena.balanceOf(BOB), 0, "rank 2 unpaid");
        assertEq(arena.league(1).rewardPool, 92 ether, "pool");
        vm.expectRevert(abi.encodeWithSelector(Arena.RoundAlreadySettled.selector, r));
        arena.settleRound(r, ranked);
        assertTrue(arena.round(r).settled, "settled");
    }

    function test_settlePaysAtMostThePool() public {
        uint256 l = _league(1, 4 ether);
        uint256 a = _agent(ALICE, ECHO, 1 ether);
        uint256 b = _agent(BOB, hex"05", 1 ether);
        uint256 r = _round(l);
        ClaimData memory ca = _claim(r, a, ECHO);
        ClaimData memory cb = _claim(r, b, hex"05");
        _submit(ALICE, ca);
        _submit(BOB, cb);
        vm.warp(block.timestamp + 7_201);
        Arena.ClaimOpening[] memory ranked = new Arena.ClaimOpening[](2);
        ranked[0] = _opening(ca);
        ranked[1] = _opening(cb);
        arena.settleRound(r, ranked);
        assertEq(arena.balanceOf(ALICE), 4 ether, "capped");
        assertEq(arena.balanceOf(BOB), 0, "pool empty");
        assertEq(arena.league(l).rewardPool, 0, "drained");
    }

    function test_emptyRoundSettles() public {
        uint256 l = _league(1, 4 ether);
        uint256 r = _round(l);
        vm.warp(block.timestamp + 7_201);
        arena.settleRound(r, new Arena.ClaimOpening[](0));
        assertTrue(arena.round(r).settled, "settled");
    }

    // ------------------------------------------------------------ withdrawals and adversaries

    function test_withdrawMoreThanOwedReverts() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(Arena.InsufficientBalance.selector, 1, 0));
        arena.withdraw(1);
        vm.prank(ALICE);
        vm.expectRevert(Arena.ZeroAmount.selector);
        arena.withdraw(0);
    }

    function test_reentrantReceiverGetsOnlyWhatItIsOwed() public {
        ReentrantReceiver evil = new ReentrantReceiver(arena);
        vm.deal(address(evil), 0);
        uint256 id = evil.register(ECHO);
        evil.stakeOn{value: 1 ether}(id);
        evil.unstake(id, 1 ether);
        vm.warp(block.timestamp + 1 days);
        arena.finalizeUnstake(id);
        evil.pull(1 ether);
        assertEq(evil.received(), 1 ether, "paid once");
        assertEq(address(evil).balance, 1 ether, "balance");
        assertEq(evil.reentryError(), abi.encodeWithSelector(Arena.Reentrancy.selector), "reentry refused");
        assertEq(arena.balanceOf(address(evil)), 0, "nothing left");
    }

    function test_receiverCannotReenterThroughTheDisputeGame() public {
        GameReentrant evil = new GameReentrant(arena);
        vm.deal(address(evil), 10 ether);
        uint256 l = _league(2, 0);
        uint256 id = _agent(ALICE, ECHO, 1 ether);
        uint256 r = _round(l);
        uint256 claimId = _submit(ALICE, _claim(r, id, ECHO));
        uint256 agentId = evil.setUp(claimId);
        vm.warp(block.timestamp + 1 days);
        arena.finalizeUnstake(agentId);
        evil.pull(1 ether);
        assertEq(
            evil.reentryError(), abi.encodeWithSelector(Arena.Reentrancy.selector), "challenge inside withdraw refused"
        );
        assertEq(uint256(arena.round(r).openDisputes), 0, "no dispute opened");
    }

    function test_rejectingReceiverKeepsItsBalance() public {
        RejectingReceiver r = new RejectingReceiver(arena);
        uint256 id = r.register(ECHO);
        r.stakeOn{value: 1 ether}(id);
        r.unstake(id, 1 ether);
        vm.warp(block.timestamp + 1 days);
        arena.finalizeUnstake(id);
        vm.expectRevert(abi.encodeWithSelector(Arena.TransferFailed.selector, address(r), 1 ether));
        r.pull(1 ether);
        assertEq(arena.balanceOf(address(r)), 1 ether, "still owed");
    }

    function test_gameHooksAreGameOnly() public {
        vm.expectRevert(abi.encodeWithSelector(Arena.NotDisputeGame.selector, address(this)));
        arena.openDispute(1, address(this));
        vm.expectRevert(abi.encodeWithSelector(Arena.NotDisputeGame.selector, address(this)));
        arena.resolveDispute(1, address(this), address(this), IArenaGame.Verdict.ChallengerLost);
    }
}
