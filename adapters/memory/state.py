"""The Arena's storage as plain mutable records (one per Solidity struct), and the ledger.

Field names and widths follow contracts/src/arena/Arena.sol and DisputeGame.sol; views hand
out frozen copies (adapters.arena_ops) so callers never hold live state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.arena_ops import (
    AgentInfo,
    DisputeInfo,
    LeagueConfig,
    LeagueInfo,
    Phase,
    RoundInfo,
)

PLACEHOLDER = (1).to_bytes(32, "big")
ZERO32 = bytes(32)


@dataclass(slots=True)
class Agent:
    owner: str
    abi_version: int
    registered_block: int
    code_hash: bytes
    open_claims: int = 0
    stake: int = 0
    unstaking: int = 0
    unstake_ready_at: int = 0
    locked: int = 0
    """Part of ``stake`` backing open claims: the league's minStake per open claim."""

    def info(self) -> AgentInfo:
        return AgentInfo(
            self.owner,
            self.abi_version,
            self.open_claims,
            self.registered_block,
            self.stake,
            self.unstaking,
            self.code_hash,
            self.unstake_ready_at,
            self.locked,
        )


@dataclass(slots=True)
class League:
    config: LeagueConfig
    creator: str
    reward_pool: int
    last_deadline: int = 0
    """Challenge deadline of the latest round (creation time before any): see STALL_PERIOD."""

    def info(self) -> LeagueInfo:
        c = self.config
        return LeagueInfo(
            c.min_stake,
            c.matches_per_round,
            c.fuel_per_decision,
            c.move_window,
            c.submission_window,
            c.system,
            c.challenge_window,
            c.slash_amount,
            c.challenger_bond,
            c.reward_multiplier,
            self.creator,
            self.reward_pool,
            tuple(c.reward_schedule),
            bytes(c.system_params),
            self.last_deadline,
        )


@dataclass(slots=True)
class Round:
    league_id: int
    seed_block: int
    submit_deadline: int
    challenge_deadline: int
    live_claims: int = 0
    open_disputes: int = 0
    seed_fixed: bool = False
    settled: bool = False
    seed: bytes = ZERO32
    ranked_claims: int = 0

    def info(self) -> RoundInfo:
        return RoundInfo(
            self.league_id,
            self.seed_block,
            self.submit_deadline,
            self.challenge_deadline,
            self.live_claims,
            self.open_disputes,
            self.seed_fixed,
            self.settled,
            self.seed,
            self.ranked_claims,
        )


@dataclass(slots=True)
class Dispute:
    challenger: str
    deadline: int
    move_window: int
    match_index: int
    claimant: str
    claim_id: int
    matches: int
    phase: Phase = Phase.AWAIT_SUMMARY
    lo: int = -1
    hi: int = 0
    steps: int = 0
    score: int = 0
    trace_root: bytes = ZERO32
    lo_leaf: bytes = PLACEHOLDER
    hi_leaf: bytes = ZERO32
    mid_leaf: bytes = PLACEHOLDER
    final_post: bytes = ZERO32

    def info(self) -> DisputeInfo:
        return DisputeInfo(
            self.challenger,
            self.phase,
            self.deadline,
            self.move_window,
            self.match_index,
            self.claimant,
            self.lo,
            self.hi,
            self.steps,
            self.claim_id,
            self.score,
            self.matches,
            self.trace_root,
            self.lo_leaf,
            self.hi_leaf,
            self.mid_leaf,
            self.final_post,
        )


@dataclass
class ArenaState:
    """Everything the Arena and its DisputeGame store, plus the wei they hold."""

    unstake_delay: int
    agents: dict[int, Agent] = field(default_factory=dict)
    leagues: dict[int, League] = field(default_factory=dict)
    rounds: dict[int, Round] = field(default_factory=dict)
    claim_commit: dict[int, bytes] = field(default_factory=dict)
    disqualified: set[tuple[int, int]] = field(default_factory=set)
    balance_of: dict[str, int] = field(default_factory=dict)
    disputes: dict[int, Dispute] = field(default_factory=dict)
    leaders: dict[int, list[int]] = field(default_factory=dict)
    """Arena._leaders: per round, the rank keys of the best claims counted so far, best first."""
    held: dict[int, int] = field(default_factory=dict)
    """Arena.held and heldReward: claims counted while disputed -> their reserved reward."""
    agent_count: int = 0
    league_count: int = 0
    round_count: int = 0
    dispute_count: int = 0
