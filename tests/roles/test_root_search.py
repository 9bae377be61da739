"""Right scores under a root that is not the replay's, where the false summary is not at match
0: the verifier challenges match 0, meets the true summary there, challenges match 1 and
convicts the claimant by StepMismatch, on every adapter (nets_chain). The bond of the first dispute is
lost, or returned when the conviction voids the claim first (dismissal)."""

from __future__ import annotations

from adapters.arena_ops import VOIDED, Reason, Verdict, claim_id_of
from adapters.base import ArenaAdapter
from adapters.keys import anvil_account
from node.db.engine import open_database
from node.roles.adversary import HiddenFalseSummary
from node.roles.scenario import Challenger, Owner, play_round
from node.roles.submitter import AgentPlan
from node.testing.chains import NetsChain
from tests.roles.agents import DEMO, GREEDY, SIMPLE, STAKE

BOND, SLASH = 100_000, 500_000
HONEST, CHEAT, VERIFIER = 1, 2, 6


def _check(chain: ArenaAdapter, name: str) -> None:
    owners = [
        Owner(HONEST, [AgentPlan(GREEDY, STAKE)]),
        Owner(CHEAT, [AgentPlan(SIMPLE, STAKE, HiddenFalseSummary())]),
    ]
    played = play_round(
        open_database("sqlite://"), chain, DEMO, owners, [Challenger(VERIFIER)], adapter_name=name
    )
    verifier = played.verifiers[0]
    (check,) = verifier.report().mismatched
    assert (check.agent_id, check.mismatch, check.note) == (CHEAT, 0, "root differs, scores right")
    rows = sorted(verifier.all_disputes(), key=lambda r: r.match_index)
    assert [(r.agent_id, r.match_index) for r in rows] == [(CHEAT, 0), (CHEAT, 1)]
    first, second = rows
    assert (second.verdict, second.reason) == (Verdict.CLAIMANT_LOST, Reason.STEP_MISMATCH)
    assert first.verdict in (Verdict.CHALLENGER_LOST, Verdict.DISMISSED)
    lost = BOND if first.verdict == Verdict.CHALLENGER_LOST else 0
    assert chain.claim_commit(claim_id_of(played.round_id, CHEAT)) == VOIDED
    assert chain.is_disqualified(CHEAT, played.league_id)
    assert chain.agent(CHEAT).stake == STAKE - SLASH
    assert chain.balance_of(anvil_account(VERIFIER).address) == BOND - lost + BOND + SLASH // 2
    assert chain.balance_of(anvil_account(CHEAT).address) == lost


def test_root_search(nets_chain: NetsChain) -> None:
    _check(nets_chain.adapter, nets_chain.kind)
