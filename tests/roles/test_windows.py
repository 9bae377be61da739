"""The submitter warns loudly, once per round and agent, when a submission window is about to
close (or has closed) on a claim it should make and has not made: a late restart or a stalled
chain costs rewards, and the operator should see it in the log."""

from __future__ import annotations

from adapters.memory import MemoryChain
from node.db.engine import open_database
from node.roles.scenario import Owner, open_league_round, start_roles
from node.roles.submitter import CLOSING_SECONDS, AgentPlan
from tests.roles.agents import DEMO, GREEDY, STAKE


def test_a_closing_window_on_unclaimed_work_is_warned_once_then_missed_once() -> None:
    chain = MemoryChain()
    db = open_database("sqlite://")
    (submitter,), _ = start_roles(db, chain, [Owner(1, [AgentPlan(GREEDY, STAKE)])], [])
    (agent,) = submitter.enroll()
    _, round_id = open_league_round(db, chain, DEMO)
    chain.mine(2)
    chain.fix_seed(round_id)
    submitter.follow()
    margin = max(CLOSING_SECONDS, DEMO.submission_window // 4)
    deadline = chain.round(round_id).submit_deadline

    submitter.watch_windows()
    assert submitter.log.warnings == []  # the window is wide open
    chain.increase_time(deadline - chain.block_time() - margin + 1)
    submitter.watch_windows()
    chain.increase_time(5)
    submitter.watch_windows()  # still closing: not warned again
    assert len(submitter.log.warnings) == 1
    assert submitter.log.warnings[0].startswith(f"WINDOW CLOSING: round {round_id} closes in ")
    assert f"agent {agent} has not claimed" in submitter.log.warnings[0]

    chain.increase_time(deadline - chain.block_time() + 1)
    submitter.watch_windows()
    chain.increase_time(7)
    submitter.watch_windows()
    assert len(submitter.log.warnings) == 2
    assert submitter.log.warnings[1].startswith(f"MISSED: round {round_id} closed ")
    assert submitter.submit_claims() == 0  # too late to claim: the warning was the last word


def test_a_claimed_agent_is_never_warned_about() -> None:
    chain = MemoryChain()
    db = open_database("sqlite://")
    (submitter,), _ = start_roles(db, chain, [Owner(1, [AgentPlan(GREEDY, STAKE)])], [])
    submitter.enroll()
    _, round_id = open_league_round(db, chain, DEMO)
    chain.mine(2)
    submitter.step()  # fixes the seed and claims
    chain.increase_time(chain.round(round_id).submit_deadline - chain.block_time() + 1)
    submitter.watch_windows()
    assert submitter.log.warnings == []
