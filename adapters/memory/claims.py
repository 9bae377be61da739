"""Claims, settlement, withdrawals, and the Arena's hooks for its dispute game."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.arena_ops import (
    RANKED,
    VOIDED,
    ClaimOpening,
    Phase,
    Verdict,
    check_bytes32,
    check_int,
    check_uint,
    claim_id_of,
    rank_key,
)
from adapters.memory.leagues import round_of
from adapters.memory.ledger import Tx, revert
from adapters.memory.registry import owned_agent
from adapters.memory.state import ArenaState
from node.trace import keccak256

SLASH_CHALLENGER_SHARE_BPS = 5_000
ZERO32 = bytes(32)
AGENT_MASK = 2**64 - 1


def commitment(claim_root: bytes, scores: Sequence[int]) -> bytes:
    """keccak256(abi.encode(claimRoot, keccak256(abi.encodePacked(int64[] scores))))."""
    packed = b"".join(s.to_bytes(32, "big", signed=True) for s in scores)
    return keccak256(claim_root + keccak256(packed))


def submit_claim(
    state: ArenaState,
    tx: Tx,
    arena: str,
    round_id: int,
    agent_id: int,
    claim_root: bytes,
    scores: Sequence[int],
) -> int:
    check_uint(round_id, 256, "roundId")
    check_uint(agent_id, 256, "agentId")
    check_bytes32(claim_root, "claimRoot")
    for score in scores:
        check_int(score, 64, "scores")
    r = round_of(state, round_id)
    agent = owned_agent(state, tx, agent_id)
    if not r.seed_fixed:
        raise revert("SeedNotFixed", round_id)
    if tx.timestamp > r.submit_deadline:
        raise revert("SubmissionClosed", r.submit_deadline)
    if (agent_id, r.league_id) in state.disqualified:
        raise revert("Disqualified", agent_id, r.league_id)
    if agent.registered_block >= r.seed_block:
        raise revert("AgentTooNew", agent_id, r.seed_block)
    league = state.leagues[r.league_id].config
    if len(scores) != league.matches_per_round:
        raise revert("WrongScoreCount", len(scores), league.matches_per_round)
    claim_id = ((round_id << 64) | agent_id) & (2**256 - 1)
    if state.claim_commit.get(claim_id, ZERO32) != ZERO32:
        raise revert("ClaimExists", claim_id)
    free = agent.stake - agent.locked
    if free < league.min_stake:  # each open claim locks minStake of free stake
        raise revert("StakeBelowMinimum", free, league.min_stake)
    r.live_claims += 1
    agent.open_claims += 1
    agent.locked += league.min_stake
    state.claim_commit[claim_id] = commitment(claim_root, scores)
    tx.emit(
        arena,
        "ClaimSubmitted",
        {
            "claimId": claim_id,
            "claimRoot": bytes(claim_root),
            "scores": tuple(scores),
            "total": sum(scores),
        },
    )
    return claim_id


def first_open_dispute(state: ArenaState, claim_id: int) -> int:
    """DisputeGame.firstOpenDispute: the claim's open dispute opened first (0: none).

    Ids grow with opening order, so the first open one is the smallest open id; the contract
    keeps a linked list to find it in O(1).
    """
    open_ids = (
        i for i, d in state.disputes.items() if d.claim_id == claim_id and d.phase != Phase.RESOLVED
    )
    return min(open_ids, default=0)


def settle_round(
    state: ArenaState, tx: Tx, arena: str, round_id: int, batch: Sequence[ClaimOpening]
) -> None:
    """Arena.settleRound: counts a batch of live claims (any order, any caller); the batch that
    counts the last live claim pays the ranks."""
    check_uint(round_id, 256, "roundId")
    for opening in batch:
        check_uint(opening.agent_id, 64, "agentId")
        check_bytes32(opening.claim_root, "claimRoot")
        for score in opening.scores:
            check_int(score, 64, "scores")
    r = round_of(state, round_id)
    if r.settled:
        raise revert("RoundAlreadySettled", round_id)
    if tx.timestamp <= r.challenge_deadline:
        raise revert("ChallengeWindowOpen", r.challenge_deadline)
    if not batch and r.ranked_claims != r.live_claims:
        raise revert("IncompleteRanking", r.ranked_claims, r.live_claims)
    # Every check first (a revert leaves nothing behind, as on chain): a claim counted earlier
    # in this batch is already ranked for the openings after it.
    counted: set[int] = set()
    for i, opening in enumerate(batch):
        claim_id = claim_id_of(round_id, opening.agent_id)
        commit = state.claim_commit.get(claim_id, ZERO32)
        if commit == RANKED or claim_id in state.held or claim_id in counted:
            raise revert("ClaimAlreadyRanked", i)
        if commit in (ZERO32, VOIDED) or commit != commitment(opening.claim_root, opening.scores):
            raise revert("BadClaimOpening", i)
        counted.add(claim_id)
    league = state.leagues[r.league_id]
    ranks = len(league.config.reward_schedule)
    leaders = state.leaders.setdefault(round_id, [])
    for opening in batch:
        claim_id = claim_id_of(round_id, opening.agent_id)
        total = sum(opening.scores)
        leaders.append(rank_key(total, opening.agent_id))
        leaders.sort(reverse=True)
        del leaders[ranks:]
        disputed = first_open_dispute(state, claim_id) != 0
        if disputed:
            state.held[claim_id] = 0
        else:
            state.claim_commit[claim_id] = RANKED
            _release(state, opening.agent_id, league.config.min_stake)
        tx.emit(arena, "ClaimRanked", {"claimId": claim_id, "total": total, "held": disputed})
    r.ranked_claims += len(batch)
    if r.ranked_claims == r.live_claims:
        _pay_ranks(state, tx, arena, round_id)


def _release(state: ArenaState, agent_id: int, min_stake: int) -> None:
    agent = state.agents[agent_id]
    agent.open_claims -= 1
    agent.locked -= min_stake


def _pay_ranks(state: ArenaState, tx: Tx, arena: str, round_id: int) -> None:
    """Arena._payRanks: a final claim is credited, a held one's reward reserved, a claim
    convicted after it was counted keeps its place unpaid."""
    r = state.rounds[round_id]
    r.settled = True
    league = state.leagues[r.league_id]
    schedule = league.config.reward_schedule
    pool = league.reward_pool
    paid = 0
    for rank, key in enumerate(state.leaders.get(round_id, [])):
        agent_id = AGENT_MASK - (key & AGENT_MASK)
        claim_id = claim_id_of(round_id, agent_id)
        if state.claim_commit.get(claim_id) == VOIDED:
            continue
        amount = min(schedule[rank] * league.config.reward_multiplier, pool)
        pool -= amount
        paid += amount
        if claim_id in state.held:
            state.held[claim_id] = amount
            tx.emit(
                arena,
                "RewardHeld",
                {"roundId": round_id, "agentId": agent_id, "rank": rank, "amount": amount},
            )
        else:
            owner = state.agents[agent_id].owner
            _credit(state, owner, amount)
            tx.emit(
                arena,
                "RewardPaid",
                {
                    "roundId": round_id,
                    "agentId": agent_id,
                    "owner": owner,
                    "rank": rank,
                    "amount": amount,
                },
            )
    league.reward_pool = pool
    tx.emit(
        arena,
        "RoundSettled",
        {"roundId": round_id, "rankedClaims": r.ranked_claims, "totalPaid": paid},
    )


def withdraw(state: ArenaState, tx: Tx, arena: str, amount: int) -> int:
    """Debits the Arena balance; the caller pays the wei out once the operation commits."""
    check_uint(amount, 256, "amount")
    available = state.balance_of.get(tx.sender, 0)
    if amount == 0:
        raise revert("ZeroAmount")
    if amount > available:
        raise revert("InsufficientBalance", amount, available)
    state.balance_of[tx.sender] = available - amount
    tx.emit(arena, "Withdrawn", {"account": tx.sender, "amount": amount})
    return amount


# -- hooks the dispute game calls ------------------------------------------------------------


def check_open_dispute(state: ArenaState, tx: Tx, claim_id: int) -> tuple[str, int, int]:
    """Arena.openDispute's checks: (claimant, moveWindow, matches) of a live claim."""
    commit = state.claim_commit.get(claim_id, ZERO32)
    if commit in (ZERO32, VOIDED):
        raise revert("ClaimNotLive", claim_id)
    r = state.rounds[claim_id >> 64]
    if tx.timestamp > r.challenge_deadline:
        raise revert("ChallengeWindowClosed", r.challenge_deadline)
    league = state.leagues[r.league_id].config
    if tx.value != league.challenger_bond:
        raise revert("WrongBond", tx.value, league.challenger_bond)
    owner = state.agents[claim_id & (2**64 - 1)].owner
    return owner, league.move_window, league.matches_per_round


def open_dispute(state: ArenaState, tx: Tx, arena: str, claim_id: int) -> None:
    """Arena.openDispute's effects (after check_open_dispute and the game's own checks)."""
    state.rounds[claim_id >> 64].open_disputes += 1
    tx.emit(
        arena,
        "DisputeBondLocked",
        {"claimId": claim_id, "challenger": tx.sender, "bond": tx.value},
    )


def check_resolve(state: ArenaState, claim_id: int, verdict: Verdict) -> None:
    """Arena.resolveDispute's only refusal: dismissing a dispute whose claim is still live."""
    if verdict == Verdict.DISMISSED and state.claim_commit.get(claim_id) != VOIDED:
        raise revert("ClaimNotVoided", claim_id)


def resolve_dispute(
    state: ArenaState,
    tx: Tx,
    arena: str,
    claim_id: int,
    challenger: str,
    first_open: str,
    verdict: Verdict,
) -> None:
    """Arena.resolveDispute: a conviction pays the slash share to ``first_open``, the challenger
    of the claim's first dispute still open, and the bond back to the convicting challenger."""
    round_id = claim_id >> 64
    agent_id = claim_id & (2**64 - 1)
    r = state.rounds[round_id]
    league = state.leagues[r.league_id]
    agent = state.agents[agent_id]
    bond = league.config.challenger_bond
    r.open_disputes -= 1
    live = state.claim_commit.get(claim_id) != VOIDED
    if verdict == Verdict.CHALLENGER_LOST:
        _credit(state, agent.owner, bond)
        tx.emit(
            arena,
            "BondPaid",
            {"claimId": claim_id, "to": agent.owner, "amount": bond, "verdict": int(verdict)},
        )
        # A held claim whose last dispute ended without conviction becomes final.
        if claim_id in state.held and first_open_dispute(state, claim_id) == 0:
            reward = state.held.pop(claim_id)
            state.claim_commit[claim_id] = RANKED
            _release(state, agent_id, league.config.min_stake)
            _credit(state, agent.owner, reward)
            tx.emit(
                arena,
                "HeldClaimReleased",
                {"claimId": claim_id, "owner": agent.owner, "reward": reward},
            )
        return
    if verdict == Verdict.CLAIMANT_LOST and live:
        state.claim_commit[claim_id] = VOIDED
        r.live_claims -= 1
        agent.open_claims -= 1
        agent.locked -= league.config.min_stake  # minStake >= slashAmount: the whole slash
        slash = min(league.config.slash_amount, agent.stake)
        agent.stake -= slash
        share = slash * SLASH_CHALLENGER_SHARE_BPS // 10_000
        league.reward_pool += slash - share
        _credit(state, first_open, share)
        if claim_id in state.held:
            # Counted while disputed: it keeps its place, its reserved reward returns to the pool.
            reward = state.held.pop(claim_id)
            r.ranked_claims -= 1
            league.reward_pool += reward
            tx.emit(arena, "HeldRewardForfeited", {"claimId": claim_id, "amount": reward})
        tx.emit(
            arena, "ClaimVoided", {"claimId": claim_id, "roundId": round_id, "agentId": agent_id}
        )
        tx.emit(
            arena,
            "Slashed",
            {
                "agentId": agent_id,
                "claimId": claim_id,
                "amount": slash,
                "challengerShare": share,
                "toPool": slash - share,
            },
        )
        tx.emit(
            arena,
            "ConvictionRewarded",
            {"claimId": claim_id, "challenger": first_open, "amount": share},
        )
        if (agent_id, r.league_id) not in state.disqualified:
            state.disqualified.add((agent_id, r.league_id))
            tx.emit(arena, "AgentDisqualified", {"agentId": agent_id, "leagueId": r.league_id})
    _credit(state, challenger, bond)
    tx.emit(
        arena,
        "BondPaid",
        {"claimId": claim_id, "to": challenger, "amount": bond, "verdict": int(verdict)},
    )


def _credit(state: ArenaState, account: str, amount: int) -> None:
    state.balance_of[account] = state.balance_of.get(account, 0) + amount
