"""A user-written agent (no shipped example) on every adapter the run names (nets_chain): a
verifier with its own database, which has never seen the module, recovers the code from the
chain, replays the claim and convicts the owner's cheat; a claim it cannot replay counts as unrecoverable, never as
verified."""

from __future__ import annotations

import wasmtime

from adapters.arena_ops import VOIDED, Reason, Verdict, claim_id_of
from adapters.base import ArenaAdapter
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from node.db.engine import open_database
from node.roles.adversary import InflatedScore
from node.roles.scenario import drive, open_league_round
from node.roles.submitter import AgentPlan, Submitter
from node.roles.verifier import Verifier
from node.testing.chains import NetsChain
from tests.roles.agents import AGENTS, DEMO, GREEDY, STAKE

USER_SNAKE = bytes(
    wasmtime.wat2wasm(
        """(module (func (export "decide") (param $obs i64) (result i64)
         ;; toward the apple along y first, then x (the shipped agents go x first)
         (local $hy i64) (local $ay i64)
         (local.set $hy (i64.and (i64.shr_u (local.get $obs) (i64.const 16)) (i64.const 0xff)))
         (local.set $ay (i64.and (local.get $obs) (i64.const 0xff)))
         (if (result i64) (i64.lt_u (local.get $hy) (local.get $ay)) (then (i64.const 1))
           (else (if (result i64) (i64.gt_u (local.get $hy) (local.get $ay)) (then (i64.const 0))
             (else (i64.const 3)))))))"""
    )
)
OWNER, CHEAT, VERIFIER = 1, 2, 6


def test_the_module_is_no_shipped_example() -> None:
    from node.wasm import load_agent_file

    shipped = {load_agent_file(p) for p in AGENTS.rglob("*.wat")}
    assert USER_SNAKE not in shipped


def _play(chain: ArenaAdapter, name: str, *, forget_code: bool = False) -> Verifier:
    """Greedy (honest, owner 1) and the user's snake (inflated, owner 2) against a verifier
    that shares nothing with the owners but the chain."""
    owners_db, verifier_db = open_database("sqlite://"), open_database("sqlite://")
    submitters = [
        Submitter(owners_db, chain.with_signer(anvil_account(OWNER)), [AgentPlan(GREEDY, STAKE)],
                  adapter_name=name),
        Submitter(owners_db, chain.with_signer(anvil_account(CHEAT)),
                  [AgentPlan(USER_SNAKE, STAKE, InflatedScore())], adapter_name=name),
    ]  # fmt: skip
    for submitter in submitters:
        submitter.enroll()
    if forget_code:
        assert isinstance(chain, MemoryChain)
        chain.world.ledger.codes.clear()  # as a chain file written before codes were kept
    verifier = Verifier(verifier_db, chain.with_signer(anvil_account(VERIFIER)), adapter_name=name)
    _league, round_id = open_league_round(owners_db, chain, DEMO)
    drive(chain, [*submitters, verifier], round_id)
    return verifier


def _check_conviction(chain: ArenaAdapter, verifier: Verifier) -> None:
    report = verifier.report()
    assert len(report.verified) == 1
    assert [(c.agent_id, c.mismatch, c.note) for c in report.mismatched] == [
        (CHEAT, 0, "score differs")
    ]
    assert report.unrecoverable == []
    assert (len(report.challenged), len(report.won), report.lost) == (1, 1, [])
    (row,) = verifier.all_disputes()
    assert row.verdict == Verdict.CLAIMANT_LOST
    assert row.reason == Reason.FINAL_SCORE_MISMATCH
    assert chain.claim_commit(claim_id_of(row.round_id, CHEAT)) == VOIDED
    assert chain.balance_of(anvil_account(VERIFIER).address) == 100_000 + 250_000


def test_user_agent_cheat_is_convicted(nets_chain: NetsChain) -> None:
    _check_conviction(nets_chain.adapter, _play(nets_chain.adapter, nets_chain.kind))


def test_unrecoverable_code_is_its_own_count() -> None:
    chain = MemoryChain()
    verifier = _play(chain, "memory", forget_code=True)
    report = verifier.report()
    assert [c.agent_id for c in report.unrecoverable] == [1, CHEAT]
    assert (report.verified, report.mismatched, report.challenged) == ([], [], [])
    as_json = report.to_json()
    assert as_json["verified"] == 0
    assert [u["agent"] for u in as_json["unrecoverable"]] == [1, CHEAT]
    assert any("code not recoverable" in line for line in verifier.log.refused)
