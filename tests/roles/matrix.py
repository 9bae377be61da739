"""The adversarial matrix: each case is one dishonest party in a demo-league round, and the
outcome the dispute game must reach: who wins, for which reason, the exact Arena balances
and who is disqualified."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.arena_ops import Reason, Verdict
from adapters.base import ArenaAdapter
from adapters.keys import anvil_account
from node.db.engine import open_database
from node.league.actions import live_openings
from node.roles import adversary
from node.roles.claims import ClaimStrategy, HonestStrategy
from node.roles.scenario import Challenger, Owner, PlayedRound, play_round
from node.roles.submitter import AgentPlan
from node.roles.verifier import ChallengePolicy
from tests.roles.agents import DEMO, GREEDY, SIMPLE, STAKE

BOND = 100_000
SLASH = 500_000
POOL = 100_000_000
FIRST, SECOND = 3_000_000, 2_000_000
HONEST, CHEAT, VERIFIER = 1, 2, 6
"""Accounts: an honest owner (greedy, agent 1), the owner under test (simple, agent 2), the
verifier under test."""


@dataclass(frozen=True)
class Case:
    name: str
    strategy: ClaimStrategy = field(default_factory=HonestStrategy)
    policy: ChallengePolicy = field(default_factory=ChallengePolicy)
    reason: Reason | None = None
    """The reason every dispute ends with."""
    or_reason: Reason | None = None
    """Also sound: a substituted action whose aftermath rejoins the true game (the agent's own
    play from the substituted state can reach the same states) leaves the true final state
    under an inflated score, and the cheaper final-state proof convicts (FinalScoreMismatch)."""


CHEATS = [
    Case("inflated score", adversary.InflatedScore(), reason=Reason.FINAL_SCORE_MISMATCH),
    Case("borrowed policy", adversary.BorrowedPolicy(better_code=GREEDY),
         reason=Reason.STEP_MISMATCH),
    Case("truncated match", adversary.TruncatedMatch(), reason=Reason.FINAL_NOT_TERMINAL),
    Case("substituted action first", adversary.SubstitutedAction(at="first"),
         reason=Reason.STEP_MISMATCH, or_reason=Reason.FINAL_SCORE_MISMATCH),
    Case("substituted action middle", adversary.SubstitutedAction(at="middle"),
         reason=Reason.STEP_MISMATCH, or_reason=Reason.FINAL_SCORE_MISMATCH),
    Case("substituted action last", adversary.SubstitutedAction(at="last"),
         reason=Reason.STEP_MISMATCH, or_reason=Reason.FINAL_SCORE_MISMATCH),
    Case("forged transition", adversary.ForgedTransition(), reason=Reason.STEP_MISMATCH),
    Case("wrong seed", adversary.WrongSeed(), reason=Reason.WRONG_SEED),
    Case("wrong final state", adversary.WrongFinalState(), reason=Reason.STEP_MISMATCH),
    Case("silent claimant", adversary.SilentClaimant(), reason=Reason.CLAIMANT_TIMEOUT),
    Case("made-up root", adversary.MadeUpRoot(), reason=Reason.CLAIMANT_TIMEOUT),
]  # fmt: skip
CHALLENGERS = [
    Case("frivolous challenger", policy=adversary.frivolous_challenger(),
         reason=Reason.STEP_VALID),
    Case("silent challenger", policy=adversary.silent_challenger(),
         reason=Reason.CHALLENGER_TIMEOUT),
]  # fmt: skip
CASES = CHEATS + CHALLENGERS


def play_case(adapter: ArenaAdapter, case: Case, adapter_name: str = "memory") -> PlayedRound:
    owners = [
        Owner(HONEST, [AgentPlan(GREEDY, STAKE)]),
        Owner(CHEAT, [AgentPlan(SIMPLE, STAKE, case.strategy)]),
    ]
    return play_round(
        open_database("sqlite://"),
        adapter,
        DEMO,
        owners,
        [Challenger(VERIFIER, case.policy)],
        adapter_name=adapter_name,
    )


def check_case(adapter: ArenaAdapter, case: Case, played: PlayedRound) -> None:
    balance = [adapter.balance_of(anvil_account(i).address) for i in (HONEST, CHEAT, VERIFIER)]
    rows = played.verifiers[0].all_disputes()
    assert rows, "no dispute was opened"
    reasons = {r.reason for r in rows}
    assert reasons in ({case.reason}, {case.or_reason}), case.name
    league = adapter.league(played.league_id)
    if case in CHEATS:
        assert {r.verdict for r in rows} == {Verdict.CLAIMANT_LOST}
        # The honest agent alone is ranked; the cheater is slashed and disqualified.
        assert balance == [FIRST, 0, BOND + SLASH // 2]
        assert adapter.agent(CHEAT).stake == STAKE - SLASH
        assert adapter.is_disqualified(CHEAT, played.league_id)
        assert league.reward_pool == POOL - FIRST + SLASH - SLASH // 2
    else:
        # Both honest claims were challenged, both challengers' bonds go to the owners; the
        # ranking depends on the round seed (anvil's differs from memory's).
        assert {r.verdict for r in rows} == {Verdict.CHALLENGER_LOST}
        assert len(rows) == 2
        ranked = [o.agent_id for o in live_openings(adapter, played.round_id)]
        reward = dict(zip(ranked, (FIRST, SECOND), strict=True))
        assert balance == [reward[HONEST] + BOND, reward[CHEAT] + BOND, 0]
        assert adapter.agent(CHEAT).stake == STAKE
        assert not adapter.is_disqualified(CHEAT, played.league_id)
        assert league.reward_pool == POOL - FIRST - SECOND
    assert not adapter.is_disqualified(HONEST, played.league_id)
    assert adapter.agent(HONEST).stake == STAKE
