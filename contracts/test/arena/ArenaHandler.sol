// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBase} from "./ArenaBase.sol";
import {Arena} from "../../src/arena/Arena.sol";
import {DisputeGame} from "../../src/arena/DisputeGame.sol";
import {MerkleBuilder} from "../lib/MerkleBuilder.sol";

/// @notice Drives random stake/unstake/claim/challenge/move/timeout/dismiss/settle/withdraw
///         sequences against the Arena and keeps an independent ghost model of what every account
///         is owed. It acts only when the model says the action is allowed, so any revert is a
///         model/contract disagreement (the invariant suite runs with fail-on-revert).
contract ArenaHandler is ArenaBase {
    struct GClaim {
        uint256 roundId;
        uint256 agentId;
        address owner;
        uint256 cheatAt; // >= MAX_TURNS: honest; else match 1 is cheated at that step
        bool live;
        bool ranked; // counted by a settlement batch (keeps its place if convicted later)
        bool held; // counted while a dispute on it was open
        uint256 heldReward;
    }

    struct GDispute {
        uint256 id;
        uint256 claim;
        address challenger;
        uint16 matchIndex;
        bool open;
    }

    address[4] internal actors;
    uint256 public leagueId;
    uint256[] internal rounds;
    mapping(uint256 roundId => bool) internal roundSettled;
    mapping(uint256 roundId => uint256) internal roundOpenDisputes; // informational
    mapping(uint256 claimId => bool) internal submitted;
    GClaim[] internal claims;
    mapping(uint256 claim => bytes32) internal cachedRoot;
    mapping(uint256 claim => int64[]) internal cachedScores;
    mapping(uint256 claim => bytes[]) internal cachedSummaries;
    GDispute[] internal disputes;

    mapping(address => uint256) public owed;
    mapping(uint256 agentId => uint256) public gStake;
    mapping(uint256 agentId => uint256) public gUnstaking;
    mapping(uint256 agentId => uint256) internal gOpenClaims;
    /// @dev Stake backing open claims: MIN_STAKE (= max(minStake, slash)) per open claim.
    mapping(uint256 agentId => uint256) public gLocked;
    mapping(uint256 agentId => bool) internal gDisqualified;
    uint256 public gPool;
    /// @dev Rewards reserved for held claims (Arena.heldReward), owed to nobody yet.
    uint256 public gHeld;
    uint256 public gOpenBonds;
    uint256 public calls;
    uint256 public resolvedByProof;
    uint256 public resolvedByTimeout;
    uint256 public dismissed;
    uint256 public settledRounds;
    uint256 public heldCounted;

    constructor() {
        setUp();
        vm.deal(address(this), 1_000_000 ether); // pays bonds and stakes sent under vm.prank
        leagueId = _league(3, 50 ether);
        gPool = 50 ether;
        actors = [ALICE, BOB, CAROL, DAVE];
        for (uint256 i; i < 4; ++i) {
            uint256 id = _agent(actors[i], ECHO, 2 ether);
            gStake[id] = 2 ether;
        }
        _newRound();
    }

    // ------------------------------------------------------------ views for the invariants

    function actorList() external view returns (address[4] memory) {
        return actors;
    }

    function arenaAddress() external view returns (address) {
        return address(arena);
    }

    function gameAddress() external view returns (address) {
        return address(game);
    }

    // ------------------------------------------------------------ actions

    function stake(uint256 who, uint256 amount) external {
        ++calls;
        uint256 agentId = who % arena.agentCount() + 1;
        amount = 1 + amount % 3 ether;
        vm.prank(_owner(agentId));
        arena.stake{value: amount}(agentId);
        gStake[agentId] += amount;
    }

    function requestUnstake(uint256 who, uint256 amount) external {
        ++calls;
        uint256 agentId = who % arena.agentCount() + 1;
        uint256 free = gStake[agentId] - gLocked[agentId];
        if (free == 0) return;
        amount = 1 + amount % free;
        vm.prank(_owner(agentId));
        arena.requestUnstake(agentId, amount);
        gStake[agentId] -= amount;
        gUnstaking[agentId] += amount;
    }

    function finalizeUnstake(uint256 who) external {
        ++calls;
        uint256 agentId = who % arena.agentCount() + 1;
        if (gUnstaking[agentId] == 0) return;
        uint64 readyAt = arena.agent(agentId).unstakeReadyAt;
        if (block.timestamp < readyAt) vm.warp(readyAt);
        arena.finalizeUnstake(agentId);
        owed[_owner(agentId)] += gUnstaking[agentId];
        gUnstaking[agentId] = 0;
    }

    function openRound() external {
        ++calls;
        if (rounds.length >= 40) return;
        _newRound();
    }

    function submit(uint256 who, uint256 cheat) external {
        ++calls;
        uint256 agentId = who % arena.agentCount() + 1;
        if (gDisqualified[agentId]) {
            // A disqualified owner comes back with a new agent, eligible from the next round.
            if (rounds.length >= 60) return;
            address owner = _owner(agentId);
            agentId = _agent(owner, ECHO, 2 ether);
            gStake[agentId] = 2 ether;
            _newRound();
        }
        if (gStake[agentId] - gLocked[agentId] < MIN_STAKE) return;
        uint256 roundId = rounds[rounds.length - 1];
        if (block.timestamp > arena.round(roundId).submitDeadline) {
            if (rounds.length >= 60) return;
            _newRound();
            roundId = rounds[rounds.length - 1];
        }
        uint256 claimId = (roundId << 64) | agentId;
        if (submitted[claimId]) return;
        uint256 cheatAt = cheat % (2 * MAX_TURNS);
        ClaimData memory c = _claimData(roundId, agentId, cheatAt);
        _submit(_owner(agentId), c);
        submitted[claimId] = true;
        claims.push(GClaim(roundId, agentId, _owner(agentId), cheatAt, true, false, false, 0));
        cachedRoot[claims.length - 1] = c.root;
        cachedScores[claims.length - 1] = c.scores;
        cachedSummaries[claims.length - 1] = c.summaries;
        gOpenClaims[agentId] += 1;
        gLocked[agentId] += MIN_STAKE;
    }

    function challenge(uint256 claimSeed, uint256 m, uint256 who) external {
        ++calls;
        if (claims.length == 0) return;
        uint256 idx = claimSeed % claims.length;
        (bool busy, uint256 di) = _openDispute(claimSeed);
        if (busy && who % 3 == 0) {
            idx = disputes[di].claim; // pile onto a disputed claim (step 7)
        } else {
            for (uint256 k; k < claims.length && !_challengeable(idx); ++k) {
                idx = (idx + 1) % claims.length;
            }
        }
        if (!_challengeable(idx)) return;
        GClaim storage g = claims[idx];
        address challenger = actors[who % 4];
        uint256 id = _challenge(challenger, (g.roundId << 64) | g.agentId, uint16(m % 3));
        disputes.push(GDispute(id, idx, challenger, uint16(m % 3), true));
        roundOpenDisputes[g.roundId] += 1;
        gOpenBonds += BOND;
    }

    /// @notice Up to 1-12 next moves of one open dispute, played honestly by both sides; a late
    ///         party times out.
    function advance(uint256 seed) external {
        ++calls;
        (bool found, uint256 di) = _openDispute(seed);
        if (!found) return;
        uint256 moves = 1 + (seed >> 128) % 12;
        for (uint256 i; i < moves && disputes[di].open; ++i) {
            _move(di);
        }
    }

    function _move(uint256 di) internal {
        GDispute storage g = disputes[di];
        GClaim storage gc = claims[g.claim];
        if (!gc.live) {
            // Another dispute voided the claim: the claim can no longer be opened; dismiss.
            game.dismiss(g.id);
            _modelResolve(g, false, true);
            ++dismissed;
            return;
        }
        DisputeGame.Dispute memory d = game.dispute(g.id);
        if (block.timestamp > d.deadline) {
            game.timeout(g.id);
            _modelResolve(g, d.phase <= DisputeGame.Phase.AwaitMid, false);
            return;
        }
        // Only the disputed match is replayed; the claim's opening comes from the cache.
        bytes32 seed = arena.matchSeed(gc.roundId, gc.agentId, g.matchIndex);
        bool cheated = gc.cheatAt < MAX_TURNS && g.matchIndex == 1;
        MatchTrace memory t = _play(ECHO, seed, cheated ? gc.cheatAt : type(uint256).max);
        if (d.phase == DisputeGame.Phase.AwaitSummary) {
            bytes32[] memory proof =
                MerkleBuilder.proof(MerkleBuilder.leafHashes(cachedSummaries[g.claim]), g.matchIndex);
            DisputeGame.Summary memory summary = DisputeGame.Summary(t.seed, t.root, t.steps, t.score);
            vm.prank(gc.owner);
            game.revealSummary(g.id, cachedRoot[g.claim], cachedScores[g.claim], summary, proof);
        } else if (d.phase == DisputeGame.Phase.AwaitFinal) {
            _revealFinal(gc.owner, g.id, t);
        } else if (d.phase == DisputeGame.Phase.AwaitMid) {
            uint32 mid = game.midpoint(g.id);
            bytes32[] memory proof = MerkleBuilder.proof(t.leaves, mid);
            vm.prank(gc.owner);
            game.revealMidpoint(g.id, t.entries[mid], proof);
        } else if (d.phase == DisputeGame.Phase.AwaitAnswer) {
            MatchTrace memory truth = cheated ? _play(ECHO, seed) : t;
            uint32 mid = game.midpoint(g.id);
            vm.prank(g.challenger);
            game.answer(g.id, t.entries[mid].postStateHash == keccak256(truth.states[mid + 1]));
        } else {
            MatchTrace memory truth = cheated ? _play(ECHO, seed) : t;
            _proveStep(g.challenger, g.id, t, truth, ECHO);
            _modelResolve(g, cheated, false);
            ++resolvedByProof;
        }
    }

    function timeout(uint256 seed) external {
        ++calls;
        (bool found, uint256 di) = _openDispute(seed);
        if (!found) return;
        GDispute storage g = disputes[di];
        DisputeGame.Dispute memory d = game.dispute(g.id);
        if (block.timestamp <= d.deadline) vm.warp(uint256(d.deadline) + 1);
        game.timeout(g.id);
        _modelResolve(g, d.phase <= DisputeGame.Phase.AwaitMid, false);
        ++resolvedByTimeout;
    }

    function dismiss(uint256 seed) external {
        ++calls;
        (bool found, uint256 di) = _openDispute(seed);
        if (!found || claims[disputes[di].claim].live) return;
        game.dismiss(disputes[di].id);
        _modelResolve(disputes[di], false, true);
        ++dismissed;
    }

    /// @notice Counts a random batch of a round's uncounted live claims in a random order (disputed
    ///         ones included: they are held); the batch that counts the last one pays the ranks.
    function settle(uint256 seed) external {
        ++calls;
        uint256 roundId = rounds[seed % rounds.length];
        if (roundSettled[roundId]) return;
        uint64 deadline = arena.round(roundId).challengeDeadline;
        if (block.timestamp <= deadline) vm.warp(uint256(deadline) + 1);
        uint256[] memory pick = new uint256[](claims.length);
        uint256 n;
        uint256 left;
        for (uint256 i; i < claims.length; ++i) {
            if (claims[i].roundId != roundId || !claims[i].live || claims[i].ranked) continue;
            ++left;
            if (uint256(keccak256(abi.encode(seed, i))) % 3 != 0) pick[n++] = i;
        }
        Arena.ClaimOpening[] memory batch = new Arena.ClaimOpening[](n);
        for (uint256 k; k < n; ++k) {
            uint256 j = n - 1 - (uint256(keccak256(abi.encode(seed, "order", k))) % (n - k));
            (pick[k], pick[j]) = (pick[j], pick[k]);
            uint256 i = pick[k];
            batch[k] = Arena.ClaimOpening(uint64(claims[i].agentId), cachedRoot[i], cachedScores[i]);
        }
        if (n == 0 && left != 0) return; // nothing to count yet; an empty batch would revert
        arena.settleRound(roundId, batch);
        for (uint256 k; k < n; ++k) {
            GClaim storage g = claims[pick[k]];
            g.ranked = true;
            if (_disputed(pick[k])) {
                g.held = true;
                ++heldCounted;
            } else {
                gOpenClaims[g.agentId] -= 1;
                gLocked[g.agentId] -= MIN_STAKE;
            }
        }
        if (n == left) _modelPayRanks(roundId);
    }

    function _disputed(uint256 claim) internal view returns (bool) {
        for (uint256 k; k < disputes.length; ++k) {
            if (disputes[k].open && disputes[k].claim == claim) return true;
        }
        return false;
    }

    /// @notice The model's ranking of the counted claims: total (descending), ties by agent id
    ///         (ascending); a claim convicted after it was counted keeps its place, unpaid.
    function _modelPayRanks(uint256 roundId) internal {
        roundSettled[roundId] = true;
        ++settledRounds;
        uint256[] memory idx = new uint256[](claims.length);
        int256[] memory totals = new int256[](claims.length);
        uint256 n;
        for (uint256 i; i < claims.length; ++i) {
            if (claims[i].roundId != roundId || !claims[i].ranked) continue;
            int64[] storage sc = cachedScores[i];
            int256 total = int256(sc[0]) + sc[1] + sc[2];
            uint256 j = n++;
            while (j > 0 && _before(total, claims[i].agentId, totals[j - 1], claims[idx[j - 1]].agentId)) {
                (idx[j], totals[j]) = (idx[j - 1], totals[j - 1]);
                --j;
            }
            (idx[j], totals[j]) = (i, total);
        }
        uint256[2] memory schedule = [uint256(3 ether), 1 ether];
        for (uint256 r; r < n && r < 2; ++r) {
            GClaim storage g = claims[idx[r]];
            if (!g.live) continue;
            uint256 amount = schedule[r] * 2;
            if (amount > gPool) amount = gPool;
            gPool -= amount;
            if (g.held) {
                g.heldReward = amount;
                gHeld += amount;
            } else {
                owed[g.owner] += amount;
            }
        }
    }

    function withdraw(uint256 who, uint256 amount) external {
        ++calls;
        address a = actors[who % 4];
        if (owed[a] == 0) return;
        amount = 1 + amount % owed[a];
        uint256 before = a.balance;
        vm.prank(a);
        arena.withdraw(amount);
        owed[a] -= amount;
        assertEq(a.balance - before, amount, "paid exactly");
    }

    function fund(uint256 amount) external {
        ++calls;
        amount = 1 + amount % 5 ether;
        vm.prank(CREATOR);
        arena.fundLeague{value: amount}(leagueId);
        gPool += amount;
    }

    // ------------------------------------------------------------ model

    function _newRound() internal {
        rounds.push(_round(leagueId));
    }

    function _claimData(uint256 roundId, uint256 agentId, uint256 cheatAt) internal view returns (ClaimData memory c) {
        c = _claim(roundId, agentId, ECHO);
        if (cheatAt < MAX_TURNS) {
            c.matches[1] = _play(ECHO, c.matches[1].seed, cheatAt);
            c.scores[1] = c.matches[1].score;
            _sealClaim(c);
        }
    }

    function _owner(uint256 agentId) internal view returns (address) {
        return arena.agent(agentId).owner;
    }

    function _challengeable(uint256 idx) internal view returns (bool) {
        return claims[idx].live && block.timestamp <= arena.round(claims[idx].roundId).challengeDeadline;
    }

    function _openDispute(uint256 seed) internal view returns (bool found, uint256 index) {
        uint256 n = disputes.length;
        for (uint256 k; k < n; ++k) {
            index = (seed % n + k) % n;
            if (disputes[index].open) return (true, index);
        }
        return (false, 0);
    }

    function _before(int256 total, uint256 agentId, int256 otherTotal, uint256 otherAgent)
        internal
        pure
        returns (bool)
    {
        return total > otherTotal || (total == otherTotal && agentId < otherAgent);
    }

    /// @notice Applies DESIGN.md step 6 to the ghost balances, independently of the contract.
    function _modelResolve(GDispute storage g, bool claimantLost, bool wasDismissed) internal {
        assertTrue(game.dispute(g.id).phase == DisputeGame.Phase.Resolved, "resolved");
        // The model's first open dispute on the claim (this one included), by opening order.
        address firstOpen = g.challenger;
        for (uint256 k; k < disputes.length; ++k) {
            if (disputes[k].open && disputes[k].claim == g.claim) {
                firstOpen = disputes[k].challenger;
                break;
            }
        }
        g.open = false;
        GClaim storage gc = claims[g.claim];
        roundOpenDisputes[gc.roundId] -= 1;
        gOpenBonds -= BOND;
        if (wasDismissed) {
            owed[g.challenger] += BOND;
        } else if (!claimantLost) {
            owed[gc.owner] += BOND;
            if (gc.held && !_disputed(g.claim)) {
                // Its last dispute ended without conviction: final, stake free, reward paid.
                gc.held = false;
                gOpenClaims[gc.agentId] -= 1;
                gLocked[gc.agentId] -= MIN_STAKE;
                owed[gc.owner] += gc.heldReward;
                gHeld -= gc.heldReward;
                gc.heldReward = 0;
            }
        } else if (gc.live) {
            gc.live = false;
            if (gc.held) {
                gc.held = false;
                gPool += gc.heldReward;
                gHeld -= gc.heldReward;
                gc.heldReward = 0;
            }
            gOpenClaims[gc.agentId] -= 1;
            gLocked[gc.agentId] -= MIN_STAKE;
            assertTrue(gStake[gc.agentId] >= SLASH, "the claim's backing covers the whole slash");
            uint256 slash = SLASH;
            gStake[gc.agentId] -= slash;
            gPool += slash - slash / 2;
            owed[g.challenger] += BOND;
            owed[firstOpen] += slash / 2;
            gDisqualified[gc.agentId] = true;
        } else {
            owed[g.challenger] += BOND;
        }
    }
}
