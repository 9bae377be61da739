// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../interfaces/ISystem.sol";
import {ICompiledDecisionVerifier} from "../interfaces/ICompiledDecisionVerifier.sol";
import {IArenaGame} from "./IArenaGame.sol";
import {Rfc9162} from "../lib/Rfc9162.sol";

/// @title DisputeGame
/// @notice The interactive dispute over one match of a claim (DESIGN.md, dispute game steps 1-7):
///         summary reveal, final entry reveal, optional final-state fraud proof, bisection over
///         step entries and a one-step proof run on chain. It stores hashes and small integers
///         only; proofs and preimages are calldata. Money stays in the Arena.
contract DisputeGame {
    /// @notice Whose move it is. Claimant: AwaitSummary, AwaitFinal, AwaitMid. Challenger:
    ///         AwaitAnswer, AwaitOneStep.
    enum Phase {
        None,
        AwaitSummary,
        AwaitFinal,
        AwaitMid,
        AwaitAnswer,
        AwaitOneStep,
        Resolved
    }

    /// @notice Why a dispute ended.
    enum Reason {
        WrongSeed,
        WrongScore,
        BadStepCount,
        FinalNotTerminal,
        FinalScoreMismatch,
        BrokenChain,
        StepFromTerminal,
        StepMismatch,
        StepValid,
        ClaimantTimeout,
        ChallengerTimeout,
        ClaimVoidedElsewhere
    }

    struct Dispute {
        // slot 0
        address challenger;
        Phase phase;
        uint40 deadline;
        uint32 moveWindow;
        uint16 matchIndex;
        // slot 1
        address claimant;
        int32 lo;
        int32 hi;
        uint32 steps;
        // slot 2
        uint256 claimId;
        // slot 3
        int64 score;
        uint16 matches;
        // slots 4-8: leaf hashes of entries lo, hi and the pending midpoint
        bytes32 traceRoot;
        bytes32 loLeaf;
        bytes32 hiLeaf;
        bytes32 midLeaf;
        bytes32 finalPost;
    }

    /// @notice A match summary entry of trace format v1 without its match index.
    struct Summary {
        bytes32 matchSeed;
        bytes32 traceRoot;
        uint32 steps;
        int64 score;
    }

    /// @notice A step entry of trace format v1 without its step index (the game supplies it).
    struct Entry {
        bytes32 preStateHash;
        uint8 outcome;
        uint64 action;
        bytes32 postStateHash;
    }

    /// @dev Nonzero placeholder written at challenge time so later moves rewrite warm-priced words.
    bytes32 private constant PLACEHOLDER = bytes32(uint256(1));
    /// @notice The Arena's commitment value of a voided claim.
    bytes32 private constant VOIDED = bytes32(uint256(1));
    uint256 public constant MAX_STEPS = uint256(uint32(type(int32).max));

    /// @notice The open disputes of one claim in opening order: ends of a doubly linked list.
    struct Queue {
        uint64 first;
        uint64 last;
    }

    /// @notice A dispute's neighbours in its claim's queue of open disputes (0: none).
    struct Link {
        uint64 prev;
        uint64 next;
    }

    IArenaGame public immutable arena;
    ICompiledDecisionVerifier public immutable verifier;
    uint256 public disputeCount;
    mapping(uint256 disputeId => Dispute) internal _disputes;
    /// @dev Open disputes per claim, so that a conviction pays the first one still open.
    mapping(uint256 claimId => Queue) internal _queues;
    mapping(uint256 disputeId => Link) internal _links;

    event DisputeOpened(
        uint256 indexed disputeId,
        uint256 indexed claimId,
        address indexed challenger,
        uint16 matchIndex,
        uint40 deadline
    );
    event SummaryRevealed(uint256 indexed disputeId, Summary summary, uint40 deadline);
    event EntryRevealed(uint256 indexed disputeId, uint32 step, Entry entry, uint40 deadline);
    event MidpointAnswered(uint256 indexed disputeId, bool agree, int32 lo, int32 hi, uint40 deadline);
    event DisputeResolved(
        uint256 indexed disputeId, uint256 indexed claimId, IArenaGame.Verdict verdict, Reason reason
    );

    error UnknownDispute(uint256 disputeId);
    error WrongPhase(Phase expected, Phase actual);
    error NotClaimant(address caller);
    error NotChallenger(address caller);
    error MoveTooLate(uint40 deadline);
    error DeadlineNotPassed(uint40 deadline);
    error BadMatchIndex(uint256 matchIndex, uint256 matches);
    error BadClaimOpening();
    error BadProof();
    error BadEntry();
    error PreimageMismatch();
    error CodeMismatch();
    error FinalNotRevealed();
    error NoFraud();
    error DisputeOver(uint256 disputeId);
    error ClaimVoided(uint256 claimId);

    constructor(IArenaGame arena_, ICompiledDecisionVerifier verifier_) {
        arena = arena_;
        verifier = verifier_;
    }

    // ---------------------------------------------------------------- step 1

    /// @notice Challenges match `matchIndex` of a live claim with the league's bond (msg.value),
    ///         before the round's challenge deadline. Any number of disputes may run on one claim.
    function challenge(uint256 claimId, uint16 matchIndex) external payable returns (uint256 disputeId) {
        (address claimant, uint32 moveWindow, uint16 matches) = arena.openDispute{value: msg.value}(claimId, msg.sender);
        if (matchIndex >= matches) revert BadMatchIndex(matchIndex, matches);
        disputeId = ++disputeCount;
        Dispute storage d = _disputes[disputeId];
        uint40 deadline = uint40(block.timestamp + moveWindow);
        d.challenger = msg.sender;
        d.phase = Phase.AwaitSummary;
        d.deadline = deadline;
        d.moveWindow = moveWindow;
        d.matchIndex = matchIndex;
        d.claimant = claimant;
        d.lo = -1;
        d.claimId = claimId;
        d.matches = matches;
        d.loLeaf = PLACEHOLDER;
        d.midLeaf = PLACEHOLDER;
        Queue storage q = _queues[claimId];
        uint64 last = q.last;
        if (last == 0) {
            q.first = uint64(disputeId);
        } else {
            _links[last].next = uint64(disputeId);
            _links[disputeId].prev = last;
        }
        q.last = uint64(disputeId);
        emit DisputeOpened(disputeId, claimId, msg.sender, matchIndex, deadline);
    }

    // ---------------------------------------------------------------- step 2

    /// @notice Claimant opens the claim commitment and reveals the disputed match summary with its
    ///         inclusion proof. A wrong seed or a score different from the posted one loses at once.
    function revealSummary(
        uint256 disputeId,
        bytes32 claimRoot,
        int64[] calldata scores,
        Summary calldata summary,
        bytes32[] calldata proof
    ) external {
        Dispute storage d = _claimantMove(disputeId, Phase.AwaitSummary);
        bytes32 roundSeed = _openClaim(d, claimRoot, scores);
        uint16 matchIndex = d.matchIndex;
        if (!Rfc9162.verifyInclusion(_summaryBytes(matchIndex, summary), matchIndex, scores.length, proof, claimRoot)) {
            revert BadProof();
        }
        d.traceRoot = summary.traceRoot;
        d.steps = summary.steps;
        d.score = summary.score;
        uint40 deadline = _advance(d, Phase.AwaitFinal);
        emit SummaryRevealed(disputeId, summary, deadline);
        if (summary.matchSeed != keccak256(abi.encode(roundSeed, uint256(uint64(d.claimId)), uint256(matchIndex)))) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.WrongSeed);
        } else if (summary.score != scores[matchIndex]) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.WrongScore);
        } else if (summary.steps == 0 || summary.steps > MAX_STEPS) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.BadStepCount);
        }
    }

    function _openClaim(Dispute storage d, bytes32 claimRoot, int64[] calldata scores)
        internal
        view
        returns (bytes32 roundSeed)
    {
        bytes32 commit;
        (commit, roundSeed) = arena.claimCommitAndSeed(d.claimId);
        if (commit == VOIDED) revert ClaimVoided(d.claimId);
        if (
            scores.length != d.matches
                || commit != keccak256(abi.encode(claimRoot, keccak256(abi.encodePacked(scores))))
        ) {
            revert BadClaimOpening();
        }
    }

    // ---------------------------------------------------------------- step 3

    /// @notice Claimant reveals the final step entry (index steps - 1) with its inclusion proof.
    ///         Bisection then starts with lo = -1 (the initial state) and hi = steps - 1.
    function revealFinal(uint256 disputeId, Entry calldata entry, bytes32[] calldata proof) external {
        Dispute storage d = _claimantMove(disputeId, Phase.AwaitFinal);
        uint32 last = d.steps - 1;
        bytes32 leaf = _provenLeaf(d, last, entry, proof);
        d.hiLeaf = leaf;
        d.hi = int32(last);
        d.finalPost = entry.postStateHash;
        uint40 deadline = _advance(d, last == 0 ? Phase.AwaitOneStep : Phase.AwaitMid);
        emit EntryRevealed(disputeId, last, entry, deadline);
    }

    /// @notice Challenger proves final-state fraud with the final post-state preimage: not terminal,
    ///         or its system score differs from the claimed match score. Open once the final entry
    ///         is revealed and until the dispute ends; reverts NoFraud when the state is consistent.
    function proveFinalStateFraud(uint256 disputeId, bytes calldata finalState) external {
        Dispute storage d = _active(disputeId);
        if (msg.sender != d.challenger) revert NotChallenger(msg.sender);
        if (d.phase < Phase.AwaitMid) revert FinalNotRevealed();
        if (block.timestamp > d.deadline) revert MoveTooLate(d.deadline);
        if (keccak256(finalState) != d.finalPost) revert PreimageMismatch();
        ISystem system = arena.stepContext(d.claimId).system;
        if (!system.isDone(finalState)) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.FinalNotTerminal);
        } else if (system.score(finalState) != d.score) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.FinalScoreMismatch);
        } else {
            revert NoFraud();
        }
    }

    // ---------------------------------------------------------------- step 4: bisection

    /// @notice Index of the entry the claimant must reveal next: lo + (hi - lo) / 2.
    function midpoint(uint256 disputeId) public view returns (uint32) {
        Dispute storage d = _disputes[disputeId];
        return uint32(int32(d.lo + (d.hi - d.lo) / 2));
    }

    /// @notice Claimant reveals the entry at the midpoint with its inclusion proof.
    function revealMidpoint(uint256 disputeId, Entry calldata entry, bytes32[] calldata proof) external {
        Dispute storage d = _claimantMove(disputeId, Phase.AwaitMid);
        uint32 mid = uint32(int32(d.lo + (d.hi - d.lo) / 2));
        d.midLeaf = _provenLeaf(d, mid, entry, proof);
        uint40 deadline = _advance(d, Phase.AwaitAnswer);
        emit EntryRevealed(disputeId, mid, entry, deadline);
    }

    /// @notice Challenger agrees or disagrees with the post-state of the revealed midpoint entry.
    function answer(uint256 disputeId, bool agree) external {
        Dispute storage d = _challengerMove(disputeId, Phase.AwaitAnswer);
        int32 lo = d.lo;
        int32 hi = d.hi;
        int32 mid = lo + (hi - lo) / 2;
        if (agree) {
            lo = mid;
            d.lo = mid;
            d.loLeaf = d.midLeaf;
        } else {
            hi = mid;
            d.hi = mid;
            d.hiLeaf = d.midLeaf;
        }
        uint40 deadline = _advance(d, hi == lo + 1 ? Phase.AwaitOneStep : Phase.AwaitMid);
        emit MidpointAnswered(disputeId, agree, lo, hi, deadline);
    }

    // ---------------------------------------------------------------- step 5: one-step proof

    /// @notice At hi = lo + 1 the challenger supplies entries lo and hi (as revealed; `loEntry` is
    ///         ignored when lo = -1), the full pre-state encoding and the agent's compiled program
    ///         (the verifier's `compile(code)`, checked against the hash stored at registration).
    ///         The contract re-executes the step (the program on the verifier's `run`, without
    ///         re-validating the module; the transition on the system) and compares outcome, action
    ///         and post-state hash with entry hi.
    /// @dev Reverts CodeMismatch when keccak256(program) is not the agent's programHash.
    function proveStep(
        uint256 disputeId,
        Entry calldata loEntry,
        Entry calldata entry,
        bytes calldata preState,
        bytes calldata program
    ) external {
        Dispute storage d = _challengerMove(disputeId, Phase.AwaitOneStep);
        if (Rfc9162.leafHash(_entryBytes(uint32(d.hi), entry)) != d.hiLeaf) revert BadEntry();
        IArenaGame.StepContext memory ctx = arena.stepContext(d.claimId);
        bytes32 expectedPre;
        if (d.lo < 0) {
            bytes32 seed = keccak256(abi.encode(ctx.roundSeed, uint256(ctx.agentId), uint256(d.matchIndex)));
            expectedPre = keccak256(ctx.system.initialState(seed, ctx.systemParams));
        } else {
            if (Rfc9162.leafHash(_entryBytes(uint32(d.lo), loEntry)) != d.loLeaf) revert BadEntry();
            expectedPre = loEntry.postStateHash;
        }
        if (entry.preStateHash != expectedPre) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.BrokenChain);
            return;
        }
        if (keccak256(preState) != expectedPre) revert PreimageMismatch();
        if (keccak256(program) != ctx.programHash) revert CodeMismatch();
        if (ctx.system.isDone(preState)) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.StepFromTerminal);
            return;
        }
        (uint8 outcome, uint64 action, bytes32 postHash) = _execute(ctx, preState, program);
        bool matches = outcome == entry.outcome && action == entry.action && postHash == entry.postStateHash;
        if (matches) {
            _resolve(disputeId, d, IArenaGame.Verdict.ChallengerLost, Reason.StepValid);
        } else {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.StepMismatch);
        }
    }

    /// @notice One decision and its transition, mapped per docs/PROTOCOL.md ("one decision, one
    ///         step entry"): ok + accepted value -> step; anything else -> forfeit with action 0.
    function _execute(IArenaGame.StepContext memory ctx, bytes calldata preState, bytes calldata program)
        internal
        view
        returns (uint8 outcome, uint64 action, bytes32 postHash)
    {
        bytes memory observation = ctx.system.observe(preState, ctx.abiVersion);
        int64 value;
        (outcome, value,) = verifier.run(program, ctx.abiVersion, observation, ctx.fuelPerDecision);
        if (outcome == 0) {
            bool valid;
            (valid, action) = ctx.system.toAction(preState, value);
            if (valid) return (0, action, keccak256(ctx.system.step(preState, action)));
            outcome = 3;
        }
        return (outcome, 0, keccak256(ctx.system.forfeit(preState)));
    }

    // ---------------------------------------------------------------- step 6 and 7: endings

    /// @notice After a missed deadline, the party that is not late wins.
    function timeout(uint256 disputeId) external {
        Dispute storage d = _active(disputeId);
        if (block.timestamp <= d.deadline) revert DeadlineNotPassed(d.deadline);
        if (d.phase <= Phase.AwaitMid) {
            _resolve(disputeId, d, IArenaGame.Verdict.ClaimantLost, Reason.ClaimantTimeout);
        } else {
            _resolve(disputeId, d, IArenaGame.Verdict.ChallengerLost, Reason.ChallengerTimeout);
        }
    }

    /// @notice Ends a dispute whose claim another dispute has already voided: bond refunded, no
    ///         second slash (anyone may call; the Arena checks the claim is voided).
    function dismiss(uint256 disputeId) external {
        Dispute storage d = _active(disputeId);
        _resolve(disputeId, d, IArenaGame.Verdict.Dismissed, Reason.ClaimVoidedElsewhere);
    }

    // ---------------------------------------------------------------- views

    /// @notice A dispute's stored record (phase None: unknown id).
    function dispute(uint256 disputeId) external view returns (Dispute memory) {
        return _disputes[disputeId];
    }

    /// @notice The claim's open dispute that was opened first (0: none open). A conviction pays its
    ///         challenger the slash share, whichever open dispute convicts.
    function firstOpenDispute(uint256 claimId) external view returns (uint256) {
        return _queues[claimId].first;
    }

    /// @notice Trace format v1 step entry bytes.
    function entryBytes(uint32 step, Entry calldata entry) external pure returns (bytes memory) {
        return _entryBytes(step, entry);
    }

    // ---------------------------------------------------------------- internals

    function _summaryBytes(uint16 matchIndex, Summary calldata s) internal pure returns (bytes memory) {
        return abi.encodePacked(uint32(matchIndex), s.matchSeed, s.traceRoot, s.steps, s.score);
    }

    function _entryBytes(uint32 step, Entry calldata e) internal pure returns (bytes memory) {
        return abi.encodePacked(step, e.preStateHash, e.outcome, e.action, e.postStateHash);
    }

    function _provenLeaf(Dispute storage d, uint32 step, Entry calldata entry, bytes32[] calldata proof)
        internal
        view
        returns (bytes32 leaf)
    {
        leaf = Rfc9162.leafHash(_entryBytes(step, entry));
        if (!Rfc9162.verifyInclusion(leaf, step, d.steps, proof, d.traceRoot)) revert BadProof();
    }

    function _active(uint256 disputeId) internal view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (d.phase == Phase.None) revert UnknownDispute(disputeId);
        if (d.phase == Phase.Resolved) revert DisputeOver(disputeId);
    }

    function _claimantMove(uint256 disputeId, Phase phase) internal view returns (Dispute storage d) {
        d = _move(disputeId, phase);
        if (msg.sender != d.claimant) revert NotClaimant(msg.sender);
    }

    function _challengerMove(uint256 disputeId, Phase phase) internal view returns (Dispute storage d) {
        d = _move(disputeId, phase);
        if (msg.sender != d.challenger) revert NotChallenger(msg.sender);
    }

    function _move(uint256 disputeId, Phase phase) internal view returns (Dispute storage d) {
        d = _active(disputeId);
        if (d.phase != phase) revert WrongPhase(phase, d.phase);
        if (block.timestamp > d.deadline) revert MoveTooLate(d.deadline);
    }

    function _advance(Dispute storage d, Phase next) internal returns (uint40 deadline) {
        deadline = uint40(block.timestamp + d.moveWindow);
        d.phase = next;
        d.deadline = deadline;
    }

    /// @dev Takes the dispute out of its claim's queue after reading the first open one (this
    ///      dispute itself when it was first), then lets the Arena move the money.
    function _resolve(uint256 disputeId, Dispute storage d, IArenaGame.Verdict verdict, Reason reason) internal {
        uint256 claimId = d.claimId;
        Queue storage q = _queues[claimId];
        address firstOpen = _disputes[q.first].challenger;
        Link memory link = _links[disputeId];
        if (link.prev == 0) q.first = link.next;
        else _links[link.prev].next = link.next;
        if (link.next == 0) q.last = link.prev;
        else _links[link.next].prev = link.prev;
        delete _links[disputeId];
        d.phase = Phase.Resolved;
        emit DisputeResolved(disputeId, claimId, verdict, reason);
        arena.resolveDispute(claimId, d.challenger, firstOpen, verdict);
    }
}
