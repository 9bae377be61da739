"""Hostile claims posted straight to the chain (any int64 scores, any root) by an owner that
never defends them: the verifier never crashes, challenges every claim whose scores or root its
replay does not give, wins each by ClaimantTimeout and the round settles."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.arena_ops import VOIDED, Reason, claim_id_of
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from node.db.engine import open_database
from node.league.rounds import run_round
from node.roles.scenario import Challenger, Owner, drive, open_league_round, start_roles
from node.roles.spec import round_spec
from node.roles.submitter import AgentPlan
from tests.roles.agents import DEMO, GREEDY, SIMPLE, STAKE

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
SCORES = st.lists(st.one_of(st.integers(-2, 20), INT64), min_size=3, max_size=3)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scores=SCORES, root=st.binary(min_size=32, max_size=32), truthful=st.booleans())
def test_hostile_claims(scores: list[int], root: bytes, truthful: bool) -> None:
    chain = MemoryChain()
    db = open_database("sqlite://")
    hostile = chain.with_signer(anvil_account(2))
    agent = hostile.register_agent(SIMPLE)
    hostile.stake(agent, STAKE)
    submitters, verifiers = start_roles(
        db, chain, [Owner(1, [AgentPlan(GREEDY, STAKE)])], [Challenger(6)]
    )
    submitters[0].enroll()
    league_id, round_id = open_league_round(db, chain, DEMO)
    chain.mine(2)
    chain.fix_seed(round_id)
    truth = run_round(round_spec(chain, round_id), {agent: SIMPLE}, workers=1).agent(agent)
    if truthful:
        scores = list(truth.scores)
    hostile.submit_claim(round_id, agent, root, scores)
    drive(chain, [*submitters, *verifiers], round_id)
    assert chain.round(round_id).settled
    rows = verifiers[0].all_disputes()
    # Right scores or not, a made-up root opens to nothing: challenged, and the claimant,
    # unable to reveal a summary under it, loses by timeout.
    assert root != truth.claim_root
    assert [r.reason for r in rows] == [Reason.CLAIMANT_TIMEOUT]
    assert chain.claim_commit(claim_id_of(round_id, agent)) == VOIDED
    assert chain.is_disqualified(agent, league_id)
    assert chain.balance_of(anvil_account(6).address) == 100_000 + 250_000
