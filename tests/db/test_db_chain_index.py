"""Arena events folded into the node's tables, resumably and idempotently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.arena_ops import claim_id_of
from adapters.errors import ChainReorg
from adapters.events import EventCursor
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from node.db import repo
from node.db.chain_index import follow
from node.db.engine import Database
from node.league import RoundSpec, actions, resolve_league, run_round
from node.wasm import load_agent_file

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
DEMO = resolve_league("demo")


def _play_a_round(db: Database, chain: MemoryChain) -> tuple[int, list[int]]:
    """A league round with three claims; one is challenged and voided by timeout; settled."""
    league_id = actions.create_league(db, chain, DEMO)
    code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
    agent_ids = []
    for _ in range(3):
        agent_id = chain.register_agent(code)
        chain.stake(agent_id, DEMO.min_stake)
        agent_ids.append(agent_id)
    repo.save_agent(db, chain.chain_id, agent_ids[0], b"\x00" * 32, code=code, mine=True)
    round_id = actions.open_round(db, chain, league_id, 1).round_id
    chain.mine(2)
    seed = actions.fix_seed(db, chain, round_id)
    assert seed is not None
    spec = RoundSpec("snake", DEMO.params_bytes, DEMO.fuel_per_decision, 3, seed)
    result = run_round(spec, dict.fromkeys(agent_ids, code), workers=1)
    for entry in result.agents:
        chain.submit_claim(round_id, entry.agent_id, entry.claim_root, entry.scores)
    challenger = chain.with_signer(anvil_account(1))
    dispute_id = challenger.challenge(claim_id_of(round_id, agent_ids[0]), 1, DEMO.challenger_bond)
    chain.increase_time(DEMO.move_window + 1)
    chain.timeout(dispute_id)
    chain.increase_time(DEMO.submission_window + DEMO.challenge_window + 1)
    actions.settle_round(db, chain, round_id)
    return round_id, agent_ids


def test_follow_folds_the_round(db: Database) -> None:
    chain = MemoryChain()
    round_id, agent_ids = _play_a_round(db, chain)
    challenger = anvil_account(1).address
    seen: list[str] = []
    count = follow(
        db, chain, "memory", our_address=challenger, handler=lambda e: seen.append(e.name)
    )
    assert count == len(seen) > 10
    assert follow(db, chain, "memory") == 0
    cursor = repo.load_cursor(db, "memory", chain.chain_id)
    assert cursor.block >= 1

    def snapshot() -> tuple[Any, Any, Any]:
        claims = repo.round_claims(db, chain.chain_id, round_id)
        dispute = repo.get_dispute(db, chain.chain_id, 1)
        stored_round = repo.get_round(db, chain.chain_id, round_id)
        assert dispute is not None
        assert stored_round is not None
        return (
            [(c.agent_id, c.status, c.claim_root) for c in claims],
            (dispute.role, dispute.verdict, dispute.reason, dispute.match_index),
            (stored_round.status, stored_round.seed),
        )

    claims, dispute, stored_round = snapshot()
    assert claims[0][:2] == (agent_ids[0], "voided")
    assert [status for _, status, _ in claims[1:]] == ["settled", "settled"]
    assert dispute == ("challenger", 0, 9, 1)  # ClaimantLost by ClaimantTimeout at match 1
    assert stored_round[0] == "settled"
    assert stored_round[1] == chain.round(round_id).seed
    agent = repo.get_agent(db, chain.chain_id, agent_ids[1])
    assert agent is not None
    assert agent.owner == chain.address

    before = snapshot()
    repo.save_cursor(db, "memory", chain.chain_id, EventCursor())  # replay everything
    follow(db, chain, "memory", our_address=challenger)
    assert snapshot() == before
    mine = repo.get_agent(db, chain.chain_id, agent_ids[0])
    assert mine is not None
    assert mine.mine
    assert mine.code is not None


def test_follow_catches_up_past_one_event_batch(db: Database) -> None:
    """Events 12,000 blocks apart (a batch is 5,000 blocks) are all folded in one call."""
    chain = MemoryChain()
    first = chain.register_agent(load_agent_file(AGENTS / "snake" / "greedy_v1.wat"))
    chain.mine(12_000)
    second = chain.register_agent(load_agent_file(AGENTS / "snake" / "simple_v0.wat"))
    seen: list[int] = []
    count = follow(db, chain, "memory", handler=lambda e: seen.append(int(e.args["agentId"])))
    assert (count, seen) == (2, [first, second])
    assert repo.load_cursor(db, "memory", chain.chain_id).block > chain.block_number() - 1
    assert follow(db, chain, "memory") == 0


def test_a_chain_that_lost_only_empty_blocks_is_followed_on(db: Database) -> None:
    """A devnet restarted from a state saved a moment before it died has lost the last empty
    blocks the node had read: reading resumes after the last event folded."""
    chain = MemoryChain()
    code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
    first = chain.register_agent(code)
    saved = chain.snapshot()
    chain.mine(5)
    assert follow(db, chain, "memory") == 1
    chain.revert_to(saved)  # the head is now below the cursor
    assert follow(db, chain, "memory") == 0
    second = chain.register_agent(code)
    seen: list[int] = []
    assert follow(db, chain, "memory", handler=lambda e: seen.append(int(e.args["agentId"]))) == 1
    assert seen == [second] != [first]


def test_a_chain_that_lost_an_event_the_node_folded_is_a_reorg(db: Database) -> None:
    """The records are ahead of the chain: the node must not read on as if nothing happened."""
    chain = MemoryChain()
    code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
    chain.register_agent(code)
    saved = chain.snapshot()
    chain.register_agent(code)
    chain.mine(3)
    assert follow(db, chain, "memory") == 2
    chain.revert_to(saved)
    with pytest.raises(ChainReorg):
        follow(db, chain, "memory")
