"""Claims, settlement, withdrawals, and the Arena's hooks for its dispute game."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.arena_ops import (
    VOIDED,
    ClaimOpening,
    Verdict,
    check_bytes32,
    check_int,
    check_uint,
    claim_id_of,
)
from adapters.memory.leagues import round_of
from adapters.memory.ledger import Tx, revert
from adapters.memory.registry import owned_agent
from adapters.memory.state import ArenaState
from node.trace import keccak256

SLASH_CHALLENGER_SHARE_BPS = 5_000
SETTLEMENT_UNITS = 12_000


def max_claims_per_round(matches_per_round: int) -> int:
    """Arena.maxClaimsPerRound: the settlement budget of one round, in live claims."""
    return SETTLEMENT_UNITS // (matches_per_round + 8)


ZERO32 = bytes(32)


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
    max_claims = max_claims_per_round(len(scores))
    if r.live_claims >= max_claims:
        raise revert("RoundFull", max_claims)
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


def settle_round(
    state: ArenaState, tx: Tx, arena: str, round_id: int, ranked: Sequence[ClaimOpening]
) -> None:
    check_uint(round_id, 256, "roundId")
    for opening in ranked:
        check_uint(opening.agent_id, 64, "agentId")
        check_bytes32(opening.claim_root, "claimRoot")
        for score in opening.scores:
            check_int(score, 64, "scores")
    r = round_of(state, round_id)
    if r.settled:
        raise revert("RoundAlreadySettled", round_id)
    if tx.timestamp <= r.challenge_deadline:
        raise revert("ChallengeWindowOpen", r.challenge_deadline)
    if r.open_disputes != 0:
        raise revert("DisputesOpen", r.open_disputes)
    if len(ranked) != r.live_claims:
        raise revert("IncompleteRanking", len(ranked), r.live_claims)
    league = state.leagues[r.league_id]
    schedule = league.config.reward_schedule
    pool = league.reward_pool
    paid = 0
    previous_total = 0
    previous_agent = 0
    payouts: list[tuple[int, int, int]] = []  # (position, agent id, amount)
    for i, opening in enumerate(ranked):
        agent_id = opening.agent_id
        commit = state.claim_commit.get(claim_id_of(round_id, agent_id), ZERO32)
        if commit in (ZERO32, VOIDED) or commit != commitment(opening.claim_root, opening.scores):
            raise revert("BadClaimOpening", i)
        total = sum(opening.scores)
        if i > 0 and (
            total > previous_total or (total == previous_total and agent_id <= previous_agent)
        ):
            raise revert("RankingOutOfOrder", i)
        previous_total, previous_agent = total, agent_id
        if i < len(schedule):
            amount = min(schedule[i] * league.config.reward_multiplier, pool)
            pool -= amount
            paid += amount
            payouts.append((i, agent_id, amount))
    # Every check passed: apply (a revert above leaves nothing behind, as on chain).
    r.settled = True
    for opening in ranked:
        settled = state.agents[opening.agent_id]
        settled.open_claims -= 1
        settled.locked -= league.config.min_stake
    for i, agent_id, amount in payouts:
        owner = state.agents[agent_id].owner
        state.balance_of[owner] = state.balance_of.get(owner, 0) + amount
        tx.emit(
            arena,
            "RewardPaid",
            {"roundId": round_id, "agentId": agent_id, "owner": owner, "rank": i, "amount": amount},
        )
    league.reward_pool = pool
    tx.emit(
        arena, "RoundSettled", {"roundId": round_id, "rankedClaims": len(ranked), "totalPaid": paid}
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
