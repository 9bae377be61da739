// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../interfaces/ISystem.sol";
import {ICompiledDecisionVerifier} from "../interfaces/ICompiledDecisionVerifier.sol";
import {IArenaGame} from "./IArenaGame.sol";
import {DisputeGame} from "./DisputeGame.sol";

/// @title Arena
/// @notice Agent registry, staking, leagues, rounds, claims and settlement of WASM leagues. It holds
///         every wei (stakes, bonds, reward pools, balances owed); its DisputeGame runs the moves and
///         reports verdicts. Payments are pull-based through `withdraw`. The state machine, every
///         error and event are documented in docs/protocol/contracts.md.
contract Arena is IArenaGame {
    // ---------------------------------------------------------------- constants

    /// @notice Protocol revision (docs/PROTOCOL.md): 3 settles a round in batches that anyone may
    ///         send in any order, admits every staked agent and holds back only disputed claims.
    uint256 public constant PROTOCOL_VERSION = 3;
    /// @notice Commitment value of a voided claim.
    bytes32 public constant VOIDED = bytes32(uint256(1));
    /// @notice Commitment value of a claim counted by settlement with no dispute open (final).
    bytes32 public constant RANKED = bytes32(uint256(2));
    /// @notice Share of a slash paid to the challenger of the claim's first open dispute, in basis
    ///         points; the rest goes to the league's reward pool.
    uint256 public constant SLASH_CHALLENGER_SHARE_BPS = 5_000;
    uint256 public constant MAX_MATCHES_PER_ROUND = 1_024;
    uint256 public constant MAX_FUEL_PER_DECISION = 20_000;
    uint256 public constant MAX_REWARD_RANKS = 64;
    /// @notice After this long past the latest round's challenge deadline (or the league's creation)
    ///         anyone may open a league's next round, so a creator who stops cannot lock its pool.
    uint256 public constant STALL_PERIOD = 7 days;
    /// @notice The round seed is the hash of the block this many blocks after the opening block.
    uint256 public constant SEED_DELAY_BLOCKS = 1;

    // ---------------------------------------------------------------- types

    /// @dev submitClaim reads and writes slots 0 and 1 only. `locked` is the part of `stake`
    ///      backing open claims (minStake per open claim); only the rest may be unstaken or back
    ///      a new claim. uint96 holds 79 billion ether.
    struct Agent {
        address owner;
        uint8 abiVersion;
        uint32 openClaims;
        uint56 registeredBlock;
        uint96 stake;
        uint96 locked;
        uint64 unstakeReadyAt;
        bytes32 codeHash;
        uint128 unstaking;
        /// @dev keccak256 of the verifier's compiled program: the one-step proof runs that
        ///      program, so it never pays for validating the module again.
        bytes32 programHash;
    }

    /// @notice League terms as given to createLeague; immutable afterwards.
    struct LeagueConfig {
        ISystem system;
        bytes systemParams;
        uint128 minStake;
        uint128 rewardMultiplier;
        uint16 matchesPerRound;
        uint32 fuelPerDecision;
        uint128 slashAmount;
        uint128 challengerBond;
        uint128[] rewardSchedule;
        uint32 submissionWindow;
        uint32 challengeWindow;
        uint32 moveWindow;
    }

    /// @dev Field order packs what submitClaim reads (minStake, matchesPerRound) into one word.
    struct League {
        uint128 minStake;
        uint16 matchesPerRound;
        uint32 fuelPerDecision;
        uint32 moveWindow;
        uint32 submissionWindow;
        ISystem system;
        uint32 challengeWindow;
        /// @dev Challenge deadline of the league's latest round (its creation time before any):
        ///      STALL_PERIOD later anyone may open the next round.
        uint40 lastDeadline;
        uint128 slashAmount;
        uint128 challengerBond;
        uint128 rewardMultiplier;
        address creator;
        uint256 rewardPool;
        uint128[] rewardSchedule;
        bytes systemParams;
    }

    /// @dev One word but the seed: submitClaim reads and writes only that word.
    struct Round {
        uint48 leagueId;
        uint48 seedBlock;
        uint40 submitDeadline;
        uint40 challengeDeadline;
        uint32 liveClaims;
        uint32 openDisputes;
        bool seedFixed;
        bool settled;
        bytes32 seed;
        /// @dev Claims counted by settlement batches so far; the ranks are paid once it equals
        ///      liveClaims (a conviction of a counted claim lowers both).
        uint32 rankedClaims;
    }

    /// @notice One claim opened for settlement: its agent, root and per-match scores.
    struct ClaimOpening {
        uint64 agentId;
        bytes32 claimRoot;
        int64[] scores;
    }

    // ---------------------------------------------------------------- storage

    ICompiledDecisionVerifier public immutable verifier;
    DisputeGame public immutable disputeGame;
    uint64 public immutable unstakeDelay;

    uint64 public agentCount;
    uint64 public leagueCount;
    uint64 public roundCount;

    mapping(uint256 agentId => Agent) internal _agents;
    mapping(uint256 leagueId => League) internal _leagues;
    mapping(uint256 roundId => Round) internal _rounds;
    /// @notice claimId = roundId << 64 | agentId => commitment (see claimCommitAndSeed).
    mapping(uint256 claimId => bytes32) public claimCommit;
    mapping(uint256 agentId => mapping(uint256 leagueId => bool)) public disqualified;
    /// @notice Wei each account may withdraw.
    mapping(address account => uint256) public balanceOf;
    /// @dev Per round, the best claims counted so far (at most rewardSchedule.length), best first:
    ///      key = (total + 2^191) << 64 | (2^64 - 1 - agentId), so a larger key ranks higher.
    mapping(uint256 roundId => uint256[MAX_REWARD_RANKS]) internal _leaders;
    /// @notice Claims counted while a dispute on them was open: their stake stays locked and their
    ///         reward (heldReward) waits until their last dispute ends.
    mapping(uint256 claimId => bool) public held;
    /// @notice The reward of a held claim's rank, reserved out of the pool when the round settled.
    mapping(uint256 claimId => uint256) public heldReward;

    // ---------------------------------------------------------------- events

    event AgentRegistered(uint256 indexed agentId, address indexed owner, bytes32 codeHash, uint8 abiVersion);
    event AgentDisqualified(uint256 indexed agentId, uint256 indexed leagueId);
    event Staked(uint256 indexed agentId, uint256 amount, uint256 stake);
    event UnstakeRequested(uint256 indexed agentId, uint256 amount, uint256 unstaking, uint64 readyAt);
    event UnstakeFinalized(uint256 indexed agentId, address indexed owner, uint256 amount);
    event LeagueCreated(uint256 indexed leagueId, address indexed creator, address system, uint256 rewardPool);
    event LeagueFunded(uint256 indexed leagueId, address indexed funder, uint256 amount, uint256 rewardPool);
    event RoundOpened(
        uint256 indexed roundId,
        uint256 indexed leagueId,
        uint48 seedBlock,
        uint40 submitDeadline,
        uint40 challengeDeadline
    );
    event SeedFixed(uint256 indexed roundId, bytes32 seed);
    /// @dev claimId = roundId << 64 | agentId, so one topic identifies round and agent.
    event ClaimSubmitted(uint256 indexed claimId, bytes32 claimRoot, int64[] scores, int256 total);
    event DisputeBondLocked(uint256 indexed claimId, address indexed challenger, uint256 bond);
    event ClaimVoided(uint256 indexed claimId, uint256 indexed roundId, uint256 indexed agentId);
    event Slashed(
        uint256 indexed agentId, uint256 indexed claimId, uint256 amount, uint256 challengerShare, uint256 toPool
    );
    event BondPaid(uint256 indexed claimId, address indexed to, uint256 amount, Verdict verdict);
    /// @notice The slash share of a conviction, paid to the challenger of the claim's first open dispute.
    event ConvictionRewarded(uint256 indexed claimId, address indexed challenger, uint256 amount);
    event RewardPaid(
        uint256 indexed roundId, uint256 indexed agentId, address indexed owner, uint256 rank, uint256 amount
    );
    event RoundSettled(uint256 indexed roundId, uint256 rankedClaims, uint256 totalPaid);
    /// @notice A settlement batch counted this claim (held: a dispute on it was still open).
    event ClaimRanked(uint256 indexed claimId, int256 total, bool held);
    /// @notice The reward of a held claim's rank, reserved until its disputes end.
    event RewardHeld(uint256 indexed roundId, uint256 indexed agentId, uint256 rank, uint256 amount);
    /// @notice A held claim survived its disputes: stake unlocked, reserved reward paid.
    event HeldClaimReleased(uint256 indexed claimId, address indexed owner, uint256 reward);
    /// @notice A held claim was convicted: its reserved reward goes back to the pool.
    event HeldRewardForfeited(uint256 indexed claimId, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    // ---------------------------------------------------------------- errors

    error InvalidAgentModule();
    error UnknownAgent(uint256 agentId);
    error NotAgentOwner(uint256 agentId, address caller);
    error ZeroAmount();
    error StakeOverflow(uint256 stake);
    error StakeLocked(uint256 agentId, uint256 locked);
    error InsufficientStake(uint256 requested, uint256 stake);
    error NothingToUnstake(uint256 agentId);
    error UnstakeNotReady(uint64 readyAt);
    error InvalidLeagueConfig(string field);
    error UnknownLeague(uint256 leagueId);
    error NotLeagueCreator(uint256 leagueId, address caller);
    error UnknownRound(uint256 roundId);
    error SeedNotReady(uint48 seedBlock);
    error SeedExpired(uint48 seedBlock);
    error SeedAlreadyFixed(uint256 roundId);
    error SeedNotFixed(uint256 roundId);
    error SubmissionClosed(uint40 submitDeadline);
    error Disqualified(uint256 agentId, uint256 leagueId);
    error AgentTooNew(uint256 agentId, uint48 seedBlock);
    error StakeBelowMinimum(uint256 stake, uint256 minStake);
    error WrongScoreCount(uint256 given, uint256 expected);
    error InvalidScore();
    error ClaimExists(uint256 claimId);
    error ChallengeWindowClosed(uint40 challengeDeadline);
    error ClaimNotLive(uint256 claimId);
    error ClaimNotVoided(uint256 claimId);
    error WrongBond(uint256 given, uint256 expected);
    error NotDisputeGame(address caller);
    error ChallengeWindowOpen(uint40 challengeDeadline);
    error RoundAlreadySettled(uint256 roundId);
    error IncompleteRanking(uint256 given, uint256 liveClaims);
    error BadClaimOpening(uint256 position);
    error ClaimAlreadyRanked(uint256 position);
    error InsufficientBalance(uint256 requested, uint256 available);
    error TransferFailed(address to, uint256 amount);
    error Reentrancy();

    // ---------------------------------------------------------------- modifiers

    /// @dev Transient-storage lock (slot 0) on every function that calls out (withdraw, registerAgent,
    ///      createLeague, the game hooks): none of them runs inside another. The other functions
    ///      make no external call at all.
    modifier nonReentrant() {
        assembly ("memory-safe") {
            if tload(0) {
                mstore(0x00, 0xab143c06) // Reentrancy()
                revert(0x1c, 0x04)
            }
            tstore(0, 1)
        }
        _;
        assembly ("memory-safe") {
            tstore(0, 0)
        }
    }

    modifier onlyGame() {
        if (msg.sender != address(disputeGame)) revert NotDisputeGame(msg.sender);
        _;
    }

    /// @param verifier_ Decision verifier (the on-chain WASM interpreter): compiles at registration,
    ///        runs the compiled program in one-step proofs.
    /// @param unstakeDelay_ Seconds between requestUnstake and finalizeUnstake.
    constructor(ICompiledDecisionVerifier verifier_, uint64 unstakeDelay_) {
        verifier = verifier_;
        unstakeDelay = unstakeDelay_;
        disputeGame = new DisputeGame(IArenaGame(address(this)), verifier_);
    }

    // ---------------------------------------------------------------- agents

    /// @notice Registers an agent module. The code stays in this call's calldata only; the Arena
    ///         keeps its keccak256, the ABI version and the keccak256 of the program the verifier's
    ///         `compile` returns (validation is paid here, once, by the registrant: a module too
    ///         expensive to compile within the block gas limit cannot be registered).
    /// @return agentId Sequential id, starting at 1.
    function registerAgent(bytes calldata code) external nonReentrant returns (uint256 agentId) {
        (bool valid, uint8 abiVersion, bytes memory program) = verifier.compile(code);
        if (!valid) revert InvalidAgentModule();
        agentId = ++agentCount;
        bytes32 codeHash = keccak256(code);
        Agent storage a = _agents[agentId];
        a.owner = msg.sender;
        a.abiVersion = abiVersion;
        a.registeredBlock = uint56(block.number);
        a.codeHash = codeHash;
        a.programHash = keccak256(program);
        emit AgentRegistered(agentId, msg.sender, codeHash, abiVersion);
    }

    /// @notice Adds msg.value to the agent's stake (owner only).
    function stake(uint256 agentId) external payable {
        Agent storage a = _ownedAgent(agentId);
        if (msg.value == 0) revert ZeroAmount();
        uint256 newStake = a.stake + msg.value;
        if (newStake > type(uint96).max) revert StakeOverflow(newStake);
        a.stake = uint96(newStake);
        emit Staked(agentId, msg.value, newStake);
    }

    /// @notice Moves `amount` of stake into the unstaking queue; it becomes withdrawable after
    ///         `unstakeDelay` (the delay restarts for the whole queued amount). Only stake that
    ///         backs no open claim may leave (StakeLocked).
    function requestUnstake(uint256 agentId, uint256 amount) external {
        Agent storage a = _ownedAgent(agentId);
        if (amount == 0) revert ZeroAmount();
        if (amount > a.stake) revert InsufficientStake(amount, a.stake);
        if (amount > a.stake - a.locked) revert StakeLocked(agentId, a.locked);
        a.stake -= uint96(amount);
        uint128 queued = a.unstaking + uint128(amount);
        a.unstaking = queued;
        uint64 readyAt = uint64(block.timestamp) + unstakeDelay;
        a.unstakeReadyAt = readyAt;
        emit UnstakeRequested(agentId, amount, queued, readyAt);
    }

    /// @notice Credits the matured unstaking amount to the owner's withdrawable balance (anyone may call).
    function finalizeUnstake(uint256 agentId) external {
        Agent storage a = _agent(agentId);
        uint256 amount = a.unstaking;
        if (amount == 0) revert NothingToUnstake(agentId);
        if (block.timestamp < a.unstakeReadyAt) revert UnstakeNotReady(a.unstakeReadyAt);
        a.unstaking = 0;
        balanceOf[a.owner] += amount;
        emit UnstakeFinalized(agentId, a.owner, amount);
    }

    // ---------------------------------------------------------------- leagues and rounds

    /// @notice Creates a league; msg.value seeds its reward pool.
    function createLeague(LeagueConfig calldata c) external payable nonReentrant returns (uint256 leagueId) {
        _checkConfig(c);
        leagueId = ++leagueCount;
        League storage l = _leagues[leagueId];
        l.system = c.system;
        l.matchesPerRound = c.matchesPerRound;
        l.fuelPerDecision = c.fuelPerDecision;
        l.moveWindow = c.moveWindow;
        l.minStake = c.minStake;
        l.slashAmount = c.slashAmount;
        l.challengerBond = c.challengerBond;
        l.rewardMultiplier = c.rewardMultiplier;
        l.creator = msg.sender;
        l.submissionWindow = c.submissionWindow;
        l.challengeWindow = c.challengeWindow;
        l.lastDeadline = uint40(block.timestamp);
        l.rewardPool = msg.value;
        l.rewardSchedule = c.rewardSchedule;
        l.systemParams = c.systemParams;
        emit LeagueCreated(leagueId, msg.sender, address(c.system), msg.value);
    }

    function _checkConfig(LeagueConfig calldata c) internal view {
        if (address(c.system).code.length == 0) revert InvalidLeagueConfig("system");
        if (c.matchesPerRound == 0 || c.matchesPerRound > MAX_MATCHES_PER_ROUND) {
            revert InvalidLeagueConfig("matchesPerRound");
        }
        if (c.fuelPerDecision == 0 || c.fuelPerDecision > MAX_FUEL_PER_DECISION) {
            revert InvalidLeagueConfig("fuelPerDecision");
        }
        if (c.rewardMultiplier == 0) revert InvalidLeagueConfig("rewardMultiplier");
        if (c.challengerBond == 0) revert InvalidLeagueConfig("challengerBond");
        // Each claim locks minStake: at least the slash, so every conviction is paid in full.
        if (c.slashAmount > c.minStake) revert InvalidLeagueConfig("slashAmount");
        if (c.rewardSchedule.length > MAX_REWARD_RANKS) revert InvalidLeagueConfig("rewardSchedule");
        if (c.submissionWindow == 0) revert InvalidLeagueConfig("submissionWindow");
        if (c.challengeWindow == 0) revert InvalidLeagueConfig("challengeWindow");
        if (c.moveWindow == 0) revert InvalidLeagueConfig("moveWindow");
        // A league whose params the system rejects could never prove a first step: refuse it.
        try c.system.initialState(bytes32(0), c.systemParams) returns (bytes memory) {}
        catch {
            revert InvalidLeagueConfig("systemParams");
        }
    }

    /// @notice Adds msg.value to a league's reward pool (anyone).
    function fundLeague(uint256 leagueId) external payable {
        League storage l = _league(leagueId);
        if (msg.value == 0) revert ZeroAmount();
        uint256 pool = l.rewardPool + msg.value;
        l.rewardPool = pool;
        emit LeagueFunded(leagueId, msg.sender, msg.value, pool);
    }

    /// @notice Opens a round: the league creator, or anyone once the league has stalled (no round
    ///         opened for STALL_PERIOD after the latest challenge deadline). Its seed is the hash of
    ///         block `block.number + SEED_DELAY_BLOCKS`, fixed by `fixSeed` once that block exists.
    function openRound(uint256 leagueId) external returns (uint256 roundId) {
        League storage l = _league(leagueId);
        if (msg.sender != l.creator && block.timestamp <= uint256(l.lastDeadline) + STALL_PERIOD) {
            revert NotLeagueCreator(leagueId, msg.sender);
        }
        roundId = ++roundCount;
        Round storage r = _rounds[roundId];
        uint48 seedBlock = uint48(block.number + SEED_DELAY_BLOCKS);
        uint40 submitDeadline = uint40(block.timestamp + l.submissionWindow);
        uint40 challengeDeadline = submitDeadline + l.challengeWindow;
        r.leagueId = uint48(leagueId);
        r.seedBlock = seedBlock;
        r.submitDeadline = submitDeadline;
        r.challengeDeadline = challengeDeadline;
        l.lastDeadline = challengeDeadline;
        emit RoundOpened(roundId, leagueId, seedBlock, submitDeadline, challengeDeadline);
    }

    /// @notice Fixes the round seed: keccak256(abi.encode(blockhash(seedBlock), roundId)). Anyone may
    ///         call it once the seed block exists and while its hash is available (256 blocks).
    function fixSeed(uint256 roundId) external returns (bytes32 seed) {
        Round storage r = _round(roundId);
        if (r.seedFixed) revert SeedAlreadyFixed(roundId);
        if (block.number <= r.seedBlock) revert SeedNotReady(r.seedBlock);
        bytes32 hash = blockhash(r.seedBlock);
        if (hash == bytes32(0)) revert SeedExpired(r.seedBlock);
        seed = keccak256(abi.encode(hash, roundId));
        r.seed = seed;
        r.seedFixed = true;
        emit SeedFixed(roundId, seed);
    }

    // ---------------------------------------------------------------- claims

    /// @notice Posts the claim of `agentId` for `roundId` (owner only, once): the RFC 9162 root over
    ///         its match summaries and the per-match scores. Stores one word, the commitment.
    /// @return claimId roundId << 64 | agentId.
    function submitClaim(uint256 roundId, uint256 agentId, bytes32 claimRoot, int64[] calldata scores)
        external
        returns (uint256 claimId)
    {
        Round storage r = _round(roundId);
        Agent storage a = _ownedAgent(agentId);
        if (!r.seedFixed) revert SeedNotFixed(roundId);
        if (block.timestamp > r.submitDeadline) revert SubmissionClosed(r.submitDeadline);
        uint256 leagueId = r.leagueId;
        if (disqualified[agentId][leagueId]) revert Disqualified(agentId, leagueId);
        if (a.registeredBlock >= r.seedBlock) revert AgentTooNew(agentId, r.seedBlock);
        League storage l = _leagues[leagueId];
        if (scores.length != l.matchesPerRound) revert WrongScoreCount(scores.length, l.matchesPerRound);
        claimId = (roundId << 64) | agentId;
        if (claimCommit[claimId] != bytes32(0)) revert ClaimExists(claimId);
        _lockBacking(a, l);
        r.liveClaims += 1;
        a.openClaims += 1;
        _recordClaim(claimId, claimRoot, scores);
    }

    /// @dev Stores the commitment and emits ClaimSubmitted in one pass over the scores (the
    ///      submitClaim gas target): each word must be a canonical int64 (InvalidScore otherwise),
    ///      the scores hash is keccak256(abi.encodePacked(scores)) and the event data is laid out
    ///      in memory as abi.encode(claimRoot, scores, total) would.
    function _recordClaim(uint256 claimId, bytes32 claimRoot, int64[] calldata scores) internal {
        bytes32 topic = ClaimSubmitted.selector;
        bytes32 commit;
        assembly ("memory-safe") {
            let n := scores.length
            let ptr := mload(0x40)
            let body := add(ptr, 0x80)
            let size := shl(5, n)
            calldatacopy(body, scores.offset, size)
            let total := 0
            for { let i := 0 } lt(i, size) { i := add(i, 0x20) } {
                let w := mload(add(body, i))
                if iszero(eq(signextend(7, w), w)) {
                    mstore(0x00, 0x15561365) // InvalidScore()
                    revert(0x1c, 0x04)
                }
                total := add(total, w)
            }
            mstore(0x00, claimRoot)
            mstore(0x20, keccak256(body, size))
            commit := keccak256(0x00, 0x40)
            mstore(ptr, claimRoot)
            mstore(add(ptr, 0x20), 0x60)
            mstore(add(ptr, 0x40), total)
            mstore(add(ptr, 0x60), n)
            log2(ptr, add(0x80, size), topic, claimId)
        }
        claimCommit[claimId] = commit;
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Counts a batch of the round's live claims after its challenge deadline (anyone, any
    ///         batch size, any order, any number of callers). Each opening must open a live claim
    ///         not yet counted. A claim with no dispute open is final: its stake unlocks at once. A
    ///         claim with a dispute open is held: it takes its rank, but its stake and reward wait
    ///         for its disputes. The best ranks are kept in storage; once every live claim is
    ///         counted (an empty batch finishes a round whose last claims were voided) rank r
    ///         earns rewardSchedule[r] * rewardMultiplier, capped by the pool, ranked by total
    ///         (descending), ties by agent id (ascending).
    function settleRound(uint256 roundId, ClaimOpening[] calldata batch) external {
        Round storage r = _round(roundId);
        if (r.settled) revert RoundAlreadySettled(roundId);
        if (block.timestamp <= r.challengeDeadline) revert ChallengeWindowOpen(r.challengeDeadline);
        League storage l = _leagues[r.leagueId];
        uint256 ranked = r.rankedClaims;
        if (batch.length == 0 && ranked != r.liveClaims) revert IncompleteRanking(ranked, r.liveClaims);
        uint256 ranks = l.rewardSchedule.length;
        uint256[MAX_REWARD_RANKS] storage stored = _leaders[roundId];
        uint256[] memory top = new uint256[](ranks);
        uint256 filled;
        while (filled < ranks && stored[filled] != 0) {
            top[filled] = stored[filled];
            ++filled;
        }
        uint256 before = filled;
        for (uint256 i; i < batch.length; ++i) {
            filled = _count(roundId, i, batch[i], top, filled, l);
        }
        for (uint256 j; j < filled; ++j) {
            if (j >= before || stored[j] != top[j]) stored[j] = top[j];
        }
        ranked += batch.length;
        r.rankedClaims = uint32(ranked);
        if (ranked == r.liveClaims) _payRanks(roundId, r, l, top, filled);
    }

    /// @dev Counts one opening: ranks it among `top` and makes it final (stake unlocked) unless a
    ///      dispute on it is open (held).
    function _count(
        uint256 roundId,
        uint256 position,
        ClaimOpening calldata c,
        uint256[] memory top,
        uint256 filled,
        League storage l
    ) internal returns (uint256) {
        uint256 agentId = c.agentId;
        uint256 claimId = (roundId << 64) | agentId;
        int256 total = _openedTotal(claimId, position, c);
        filled = _insert(top, filled, (uint256(total + 2 ** 191) << 64) | (type(uint64).max - agentId));
        bool disputed = disputeGame.firstOpenDispute(claimId) != 0;
        if (disputed) {
            held[claimId] = true;
        } else {
            claimCommit[claimId] = RANKED;
            _release(agentId, l);
        }
        emit ClaimRanked(claimId, total, disputed);
        return filled;
    }

    /// @dev Inserts `key` into the sorted (descending) `top[0:filled]`, dropping the last one
    ///      when full; returns the new count.
    function _insert(uint256[] memory top, uint256 filled, uint256 key) internal pure returns (uint256) {
        uint256 cap = top.length;
        uint256 j = filled;
        if (filled < cap) ++filled;
        // Unchecked shift (the hot loop of a batch): j <= cap, slots are 32 bytes from top + 0x20.
        assembly ("memory-safe") {
            let base := add(top, 0x20)
            for {} gt(j, 0) { j := sub(j, 1) } {
                let prev := mload(add(base, shl(5, sub(j, 1))))
                if iszero(lt(prev, key)) { break }
                if lt(j, cap) { mstore(add(base, shl(5, j)), prev) }
            }
            if lt(j, cap) { mstore(add(base, shl(5, j)), key) }
        }
        return filled;
    }

    /// @dev Pays the ranks once every live claim is counted: a final claim is credited, a held
    ///      one's reward is reserved (heldReward), a claim convicted after it was counted keeps its
    ///      place and its reward stays in the pool.
    function _payRanks(uint256 roundId, Round storage r, League storage l, uint256[] memory top, uint256 filled)
        internal
    {
        r.settled = true;
        uint256 pool = l.rewardPool;
        uint256 paid;
        for (uint256 i; i < filled; ++i) {
            uint256 agentId = type(uint64).max - uint64(top[i]);
            uint256 claimId = (roundId << 64) | agentId;
            if (claimCommit[claimId] == VOIDED) continue;
            uint256 amount = uint256(l.rewardSchedule[i]) * l.rewardMultiplier;
            if (amount > pool) amount = pool;
            pool -= amount;
            paid += amount;
            if (held[claimId]) {
                heldReward[claimId] = amount;
                emit RewardHeld(roundId, agentId, i, amount);
            } else {
                address owner = _agents[agentId].owner;
                balanceOf[owner] += amount;
                emit RewardPaid(roundId, agentId, owner, i, amount);
            }
        }
        l.rewardPool = pool;
        emit RoundSettled(roundId, r.rankedClaims, paid);
    }

    /// @dev Checks that `c` opens a live claim of the round not counted yet and returns its total,
    ///      in one pass over the scores (the per-score cost bounds the batch size). A word that is
    ///      not a canonical int64 cannot match the commitment, which submitClaim made of canonical
    ///      words, so it is refused as BadClaimOpening; 1,024 int64 sums cannot overflow.
    function _openedTotal(uint256 claimId, uint256 position, ClaimOpening calldata c)
        internal
        view
        returns (int256 total)
    {
        bytes32 commit = claimCommit[claimId];
        if (commit == RANKED || held[claimId]) revert ClaimAlreadyRanked(position);
        int64[] calldata scores = c.scores;
        bytes32 root = c.claimRoot;
        bytes32 digest;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let size := shl(5, scores.length)
            calldatacopy(ptr, scores.offset, size)
            for { let i := 0 } lt(i, size) { i := add(i, 0x20) } {
                total := add(total, mload(add(ptr, i)))
            }
            mstore(0x00, root)
            mstore(0x20, keccak256(ptr, size))
            digest := keccak256(0x00, 0x40)
        }
        if (commit == bytes32(0) || commit == VOIDED || commit != digest) revert BadClaimOpening(position);
    }

    // ---------------------------------------------------------------- withdrawals

    /// @notice Sends `amount` of the caller's balance to the caller.
    function withdraw(uint256 amount) external nonReentrant {
        uint256 available = balanceOf[msg.sender];
        if (amount == 0) revert ZeroAmount();
        if (amount > available) revert InsufficientBalance(amount, available);
        balanceOf[msg.sender] = available - amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    // ---------------------------------------------------------------- dispute game hooks

    /// @inheritdoc IArenaGame
    function openDispute(uint256 claimId, address challenger)
        external
        payable
        onlyGame
        nonReentrant
        returns (address claimant, uint32 moveWindow, uint16 matches)
    {
        bytes32 commit = claimCommit[claimId];
        if (commit == bytes32(0) || commit == VOIDED) revert ClaimNotLive(claimId);
        Round storage r = _rounds[claimId >> 64];
        if (block.timestamp > r.challengeDeadline) revert ChallengeWindowClosed(r.challengeDeadline);
        League storage l = _leagues[r.leagueId];
        if (msg.value != l.challengerBond) revert WrongBond(msg.value, l.challengerBond);
        r.openDisputes += 1;
        emit DisputeBondLocked(claimId, challenger, msg.value);
        return (_agents[uint64(claimId)].owner, l.moveWindow, l.matchesPerRound);
    }

    /// @inheritdoc IArenaGame
    function resolveDispute(uint256 claimId, address challenger, address firstOpen, Verdict verdict)
        external
        onlyGame
        nonReentrant
    {
        Round storage r = _rounds[claimId >> 64];
        League storage l = _leagues[r.leagueId];
        uint256 bond = l.challengerBond;
        r.openDisputes -= 1;
        bool live = claimCommit[claimId] != VOIDED;
        if (verdict == Verdict.Dismissed && live) revert ClaimNotVoided(claimId);
        if (verdict == Verdict.ChallengerLost) {
            address owner = _agents[uint64(claimId)].owner;
            balanceOf[owner] += bond;
            emit BondPaid(claimId, owner, bond, verdict);
            // A held claim whose last dispute ended without conviction becomes final.
            if (held[claimId] && disputeGame.firstOpenDispute(claimId) == 0) _releaseHeld(claimId, l, owner);
            return;
        }
        // Slashed once: only the dispute that voids the claim slashes.
        if (verdict == Verdict.ClaimantLost && live) _convict(claimId, r, l, firstOpen);
        balanceOf[challenger] += bond;
        emit BondPaid(claimId, challenger, bond, verdict);
    }

    /// @dev Voids a live claim, releases its backing and slashes it: the share to the challenger of
    ///      the first open dispute, the rest to the pool; disqualifies the agent in the league.
    function _convict(uint256 claimId, Round storage r, League storage l, address firstOpen) internal {
        uint256 agentId = uint64(claimId);
        Agent storage a = _agents[agentId];
        claimCommit[claimId] = VOIDED;
        r.liveClaims -= 1;
        a.openClaims -= 1;
        // The claim's own backing covers the slash: minStake >= slashAmount.
        a.locked -= uint96(l.minStake);
        uint256 slash = l.slashAmount < a.stake ? l.slashAmount : a.stake;
        a.stake -= uint96(slash);
        uint256 share = slash * SLASH_CHALLENGER_SHARE_BPS / 10_000;
        l.rewardPool += slash - share;
        balanceOf[firstOpen] += share;
        if (held[claimId]) {
            // Counted while disputed: it keeps its place, its reserved reward returns to the pool.
            delete held[claimId];
            r.rankedClaims -= 1;
            uint256 reward = heldReward[claimId];
            if (reward != 0) {
                delete heldReward[claimId];
                l.rewardPool += reward;
            }
            emit HeldRewardForfeited(claimId, reward);
        }
        emit ClaimVoided(claimId, claimId >> 64, agentId);
        emit Slashed(agentId, claimId, slash, share, slash - share);
        emit ConvictionRewarded(claimId, firstOpen, share);
        uint256 leagueId = r.leagueId;
        if (!disqualified[agentId][leagueId]) {
            disqualified[agentId][leagueId] = true;
            emit AgentDisqualified(agentId, leagueId);
        }
    }

    /// @inheritdoc IArenaGame
    function claimCommitAndSeed(uint256 claimId) external view returns (bytes32 commit, bytes32 roundSeed) {
        return (claimCommit[claimId], _rounds[claimId >> 64].seed);
    }

    /// @inheritdoc IArenaGame
    function stepContext(uint256 claimId) external view returns (StepContext memory ctx) {
        Round storage r = _rounds[claimId >> 64];
        League storage l = _leagues[r.leagueId];
        Agent storage a = _agents[uint64(claimId)];
        ctx = StepContext({
            system: l.system,
            systemParams: l.systemParams,
            roundSeed: r.seed,
            agentId: uint64(claimId),
            codeHash: a.codeHash,
            programHash: a.programHash,
            abiVersion: a.abiVersion,
            fuelPerDecision: l.fuelPerDecision
        });
    }

    // ---------------------------------------------------------------- views

    /// @notice An agent's record (owner zero: unknown id).
    function agent(uint256 agentId) external view returns (Agent memory) {
        return _agents[agentId];
    }

    /// @notice A league's terms and reward pool (creator zero: unknown id).
    function league(uint256 leagueId) external view returns (League memory) {
        return _leagues[leagueId];
    }

    /// @notice A round's schedule, seed and counters (leagueId zero: unknown id).
    function round(uint256 roundId) external view returns (Round memory) {
        return _rounds[roundId];
    }

    /// @notice The best claims counted so far by a round's settlement, best first (at most
    ///         rewardSchedule.length keys; see _leaders).
    function leaders(uint256 roundId) external view returns (uint256[] memory keys) {
        uint256[MAX_REWARD_RANKS] storage stored = _leaders[roundId];
        uint256 n;
        while (n < MAX_REWARD_RANKS && stored[n] != 0) ++n;
        keys = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            keys[i] = stored[i];
        }
    }

    /// @notice claimId of (roundId, agentId).
    function claimIdOf(uint256 roundId, uint256 agentId) external pure returns (uint256) {
        return (roundId << 64) | agentId;
    }

    /// @notice keccak256(abi.encode(roundSeed, agentId, matchIndex)), per DESIGN.md.
    function matchSeed(uint256 roundId, uint256 agentId, uint256 matchIndex) external view returns (bytes32) {
        return keccak256(abi.encode(_rounds[roundId].seed, agentId, matchIndex));
    }

    // ---------------------------------------------------------------- internals

    function _agent(uint256 agentId) internal view returns (Agent storage a) {
        a = _agents[agentId];
        if (a.owner == address(0)) revert UnknownAgent(agentId);
    }

    function _ownedAgent(uint256 agentId) internal view returns (Agent storage a) {
        a = _agent(agentId);
        if (a.owner != msg.sender) revert NotAgentOwner(agentId, msg.sender);
    }

    function _league(uint256 leagueId) internal view returns (League storage l) {
        l = _leagues[leagueId];
        if (l.creator == address(0)) revert UnknownLeague(leagueId);
    }

    /// @dev A held claim survived its disputes: final now, stake unlocked, reserved reward paid.
    function _releaseHeld(uint256 claimId, League storage l, address owner) internal {
        delete held[claimId];
        claimCommit[claimId] = RANKED;
        _release(uint64(claimId), l);
        uint256 reward = heldReward[claimId];
        if (reward != 0) {
            delete heldReward[claimId];
            balanceOf[owner] += reward;
        }
        emit HeldClaimReleased(claimId, owner, reward);
    }

    /// @dev Unlocks one settled claim's backing.
    function _release(uint256 agentId, League storage l) internal returns (Agent storage a) {
        a = _agents[agentId];
        a.openClaims -= 1;
        a.locked -= uint96(l.minStake);
    }

    /// @dev Locks the claim's backing, minStake, out of the agent's free stake (StakeBelowMinimum
    ///      if short; minStake >= slashAmount, so every conviction finds its whole slash).
    function _lockBacking(Agent storage a, League storage l) internal {
        uint256 free = a.stake - a.locked;
        uint256 backing = l.minStake;
        if (free < backing) revert StakeBelowMinimum(free, backing);
        a.locked += uint96(backing); // backing <= free stake < 2^96
    }

    function _round(uint256 roundId) internal view returns (Round storage r) {
        r = _rounds[roundId];
        if (r.leagueId == 0) revert UnknownRound(roundId);
    }
}
