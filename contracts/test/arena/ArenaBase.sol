// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "../utils/Vm.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {DisputeGame} from "../../src/arena/DisputeGame.sol";
import {ISystem} from "../../src/interfaces/ISystem.sol";
import {ICompiledDecisionVerifier} from "../../src/interfaces/ICompiledDecisionVerifier.sol";
import {Rfc9162} from "../../src/lib/Rfc9162.sol";
import {MerkleBuilder} from "../lib/MerkleBuilder.sol";
import {CounterSystem} from "./CounterSystem.sol";
import {StandInVerifier} from "./StandInVerifier.sol";

/// @notice Shared fixture: an Arena over the counter system and the stand-in verifier, actors,
///         and an off-chain player that builds honest (or tampered) traces and claims.
abstract contract ArenaBase is TestBase {
    struct MatchTrace {
        bytes32 seed;
        bytes[] states; // states[i] = pre-state of step i; states[steps] = final state
        DisputeGame.Entry[] entries;
        bytes32[] leaves;
        bytes32 root;
        uint32 steps;
        int64 score;
    }

    struct ClaimData {
        uint256 roundId;
        uint256 agentId;
        bytes32 root;
        int64[] scores;
        bytes[] summaries;
        MatchTrace[] matches;
    }

    Arena internal arena;
    DisputeGame internal game;
    CounterSystem internal counter;
    ICompiledDecisionVerifier internal verifier;

    address internal constant CREATOR = address(0xC0);
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0);
    address internal constant CAROL = address(0xCA);
    address internal constant DAVE = address(0xDA);

    uint256 internal constant MIN_STAKE = 1 ether;
    uint256 internal constant SLASH = 0.6 ether;
    uint256 internal constant BOND = 0.2 ether;
    uint32 internal constant MOVE_WINDOW = 600;
    uint32 internal constant MAX_TURNS = 6;

    bytes internal constant ECHO = hex"00";
    bytes internal constant ECHO_V1 = hex"01";
    bytes internal constant PLUS_ONE = hex"02";
    bytes internal constant TRAPPER = hex"03";

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        vm.roll(100);
        verifier = _newVerifier();
        counter = new CounterSystem();
        arena = new Arena(verifier, 1 days);
        game = arena.disputeGame();
        address[5] memory actors = [CREATOR, ALICE, BOB, CAROL, DAVE];
        for (uint256 i; i < actors.length; ++i) {
            vm.deal(actors[i], 1_000 ether);
        }
    }

    /// @notice The decision verifier the Arena is built on (the stand-in unless overridden).
    function _newVerifier() internal virtual returns (ICompiledDecisionVerifier) {
        return new StandInVerifier();
    }

    /// @notice The leagues' fuel per decision (ProofBoundTest raises it to the maximum).
    uint32 internal fuelPerDecision = 10_000;

    function _config(uint16 matches) internal view returns (Arena.LeagueConfig memory c) {
        uint128[] memory schedule = new uint128[](2);
        schedule[0] = 3 ether;
        schedule[1] = 1 ether;
        c = Arena.LeagueConfig({
            system: ISystem(address(counter)),
            systemParams: abi.encodePacked(MAX_TURNS),
            minStake: uint128(MIN_STAKE),
            rewardMultiplier: 2,
            matchesPerRound: matches,
            fuelPerDecision: fuelPerDecision,
            slashAmount: uint128(SLASH),
            challengerBond: uint128(BOND),
            rewardSchedule: schedule,
            submissionWindow: 3_600,
            challengeWindow: 3_600,
            moveWindow: MOVE_WINDOW
        });
    }

    function _league(uint16 matches, uint256 pool) internal returns (uint256 leagueId) {
        vm.prank(CREATOR);
        leagueId = arena.createLeague{value: pool}(_config(matches));
    }

    function _agent(address owner, bytes memory code, uint256 stakeAmount) internal returns (uint256 agentId) {
        vm.prank(owner);
        agentId = arena.registerAgent(code);
        if (stakeAmount > 0) {
            vm.prank(owner);
            arena.stake{value: stakeAmount}(agentId);
        }
    }

    function _round(uint256 leagueId) internal returns (uint256 roundId) {
        vm.prank(CREATOR);
        roundId = arena.openRound(leagueId);
        vm.roll(block.number + 2);
        arena.fixSeed(roundId);
    }

    // ------------------------------------------------------------ off-chain player

    function _play(bytes memory code, bytes32 seed) internal view returns (MatchTrace memory t) {
        return _play(code, seed, type(uint256).max);
    }

    /// @notice Plays a match; at step `cheatAt` the post-state's total is raised by 30 points and
    ///         play continues from that fake state (a cheating claimant's trace).
    function _play(bytes memory code, bytes32 seed, uint256 cheatAt) internal view returns (MatchTrace memory t) {
        (, uint8 abiVersion, bytes memory program) = verifier.compile(code);
        bytes[] memory states = new bytes[](MAX_TURNS + 1);
        DisputeGame.Entry[] memory entries = new DisputeGame.Entry[](MAX_TURNS);
        bytes memory state = counter.initialState(seed, abi.encodePacked(MAX_TURNS));
        uint32 n;
        while (!counter.isDone(state)) {
            states[n] = state;
            (uint8 outcome, int64 value,) =
                verifier.run(program, abiVersion, counter.observe(state, abiVersion), fuelPerDecision);
            uint64 action;
            bytes memory post;
            if (outcome == 0) {
                bool valid;
                (valid, action) = counter.toAction(state, value);
                if (valid) post = counter.step(state, action);
                else outcome = 3;
            }
            if (outcome != 0) {
                action = 0;
                post = counter.forfeit(state);
            }
            if (n == cheatAt) post = _inflate(post);
            entries[n] = DisputeGame.Entry(keccak256(state), outcome, action, keccak256(post));
            state = post;
            ++n;
        }
        states[n] = state;
        assembly {
            mstore(states, add(n, 1))
            mstore(entries, n)
        }
        t.seed = seed;
        t.states = states;
        t.entries = entries;
        t.steps = n;
        t.score = counter.score(state);
        _seal(t);
    }

    /// @notice Counter state with its total (bytes 9..16) raised by 30.
    function _inflate(bytes memory state) internal pure returns (bytes memory out) {
        out = bytes.concat(state);
        int64 total;
        assembly {
            total := shr(192, mload(add(out, 41)))
        }
        total += 30;
        bytes8 packed = bytes8(uint64(total));
        for (uint256 i; i < 8; ++i) {
            out[9 + i] = packed[i];
        }
    }

    /// @notice Recomputes leaves and root after entries changed.
    function _seal(MatchTrace memory t) internal view {
        t.leaves = new bytes32[](t.entries.length);
        for (uint256 i; i < t.entries.length; ++i) {
            t.leaves[i] = Rfc9162.leafHash(game.entryBytes(uint32(i), t.entries[i]));
        }
        t.root = Rfc9162.rootOfLeafHashes(_copy(t.leaves));
    }

    function _copy(bytes32[] memory a) internal pure returns (bytes32[] memory b) {
        b = new bytes32[](a.length);
        for (uint256 i; i < a.length; ++i) {
            b[i] = a[i];
        }
    }

    function _claim(uint256 roundId, uint256 agentId, bytes memory code) internal view returns (ClaimData memory c) {
        uint16 matches = arena.league(arena.round(roundId).leagueId).matchesPerRound;
        c.roundId = roundId;
        c.agentId = agentId;
        c.matches = new MatchTrace[](matches);
        c.scores = new int64[](matches);
        for (uint256 m; m < matches; ++m) {
            c.matches[m] = _play(code, arena.matchSeed(roundId, agentId, m));
            c.scores[m] = c.matches[m].score;
        }
        _sealClaim(c);
    }

    function _summary(uint256 m, MatchTrace memory t, int64 score) internal pure returns (bytes memory) {
        return abi.encodePacked(uint32(m), t.seed, t.root, t.steps, score);
    }

    function _sealClaim(ClaimData memory c) internal view {
        c.summaries = new bytes[](c.matches.length);
        for (uint256 m; m < c.matches.length; ++m) {
            c.summaries[m] = _summary(m, c.matches[m], c.scores[m]);
        }
        c.root = Rfc9162.rootOf(c.summaries);
    }

    function _submit(address owner, ClaimData memory c) internal returns (uint256 claimId) {
        vm.prank(owner);
        claimId = arena.submitClaim(c.roundId, c.agentId, c.root, c.scores);
    }

    function _opening(ClaimData memory c) internal pure returns (Arena.ClaimOpening memory) {
        return Arena.ClaimOpening(uint64(c.agentId), c.root, c.scores);
    }

    // ------------------------------------------------------------ dispute drivers

    function _challenge(address who, uint256 claimId, uint16 m) internal returns (uint256 id) {
        vm.prank(who);
        id = game.challenge{value: BOND}(claimId, m);
    }

    function _revealSummary(address owner, uint256 id, ClaimData memory c, uint16 m) internal {
        MatchTrace memory t = c.matches[m];
        bytes32[] memory proof = MerkleBuilder.proof(MerkleBuilder.leafHashes(c.summaries), m);
        vm.prank(owner);
        game.revealSummary(id, c.root, c.scores, DisputeGame.Summary(t.seed, t.root, t.steps, c.scores[m]), proof);
    }

    function _revealFinal(address owner, uint256 id, MatchTrace memory t) internal {
        uint256 last = t.steps - 1;
        bytes32[] memory proof = MerkleBuilder.proof(t.leaves, last);
        vm.prank(owner);
        game.revealFinal(id, t.entries[last], proof);
    }

    /// @notice Bisects until the one-step phase (or an earlier end): the claimant reveals `claimed`,
    ///         the challenger agrees iff the revealed post-state hash matches its own `truth`.
    function _bisect(address owner, address challenger, uint256 id, MatchTrace memory claimed, MatchTrace memory truth)
        internal
    {
        while (game.dispute(id).phase == DisputeGame.Phase.AwaitMid) {
            uint32 mid = game.midpoint(id);
            bytes32[] memory proof = MerkleBuilder.proof(claimed.leaves, mid);
            vm.prank(owner);
            game.revealMidpoint(id, claimed.entries[mid], proof);
            bool agree = claimed.entries[mid].postStateHash == keccak256(truth.states[mid + 1]);
            vm.prank(challenger);
            game.answer(id, agree);
        }
    }

    function _proveStep(
        address challenger,
        uint256 id,
        MatchTrace memory claimed,
        MatchTrace memory truth,
        bytes memory program
    ) internal {
        DisputeGame.Dispute memory d = game.dispute(id);
        uint256 hi = uint256(uint32(d.hi));
        DisputeGame.Entry memory lo = d.lo < 0 ? DisputeGame.Entry(0, 0, 0, 0) : claimed.entries[hi - 1];
        vm.prank(challenger);
        game.proveStep(id, lo, claimed.entries[hi], truth.states[hi], program);
    }

    function _snapshot() internal returns (uint256) {
        return vm.snapshotState();
    }

    function _restore(uint256 snap) internal {
        assertTrue(vm.revertToState(snap), "revert to snapshot");
    }

    function _phase(uint256 id) internal view returns (DisputeGame.Phase) {
        return game.dispute(id).phase;
    }

    /// @notice Transaction gas of a call: intrinsic (EIP-2028 calldata, EIP-7623 floor) + execution.
    function _txGas(bytes memory data, uint256 execution) internal pure returns (uint256) {
        uint256 zeros;
        for (uint256 i; i < data.length; ++i) {
            if (data[i] == 0) ++zeros;
        }
        uint256 tokens = zeros + 4 * (data.length - zeros);
        uint256 standard = 21_000 + 4 * tokens + execution;
        uint256 floor = 21_000 + 10 * tokens;
        return standard > floor ? standard : floor;
    }
}

/// @notice One league (3 matches, a 20 ether pool), ALICE's ECHO agent staked with 1 ether, and
///         an open round: the fixture the dispute and incentive tests start from.
abstract contract OneRoundBase is ArenaBase {
    uint256 internal leagueId;
    uint256 internal roundId;
    uint256 internal aliceAgent;
    uint256 internal constant POOL = 20 ether;

    function setUp() public virtual override {
        super.setUp();
        leagueId = _league(3, POOL);
        aliceAgent = _agent(ALICE, ECHO, 1 ether);
        roundId = _round(leagueId);
    }
}
