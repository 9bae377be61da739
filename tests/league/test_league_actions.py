"""League actions on the memory chain: each sent once, also across a crash between send and mark."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from adapters.arena_ops import ClaimOpening
from adapters.errors import ChainError
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from node.db import Outbox, open_database, repo
from node.db.engine import Database
from node.league import RoundSpec, actions, resolve_league, run_round
from node.wasm import load_agent_file

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
DEMO = resolve_league("demo")


@pytest.fixture
def db() -> Database:
    return open_database("sqlite://")


def test_create_league_once(db: Database) -> None:
    chain = MemoryChain()
    league_id = actions.create_league(db, chain, DEMO)
    assert actions.create_league(db, chain, DEMO) == league_id
    assert chain.counts()[1] == 1
    info = chain.league(league_id)
    assert info.matches_per_round == DEMO.matches_per_round
    assert info.reward_pool == DEMO.reward_pool
    stored = repo.get_league(db, chain.chain_id, league_id)
    assert stored is not None
    assert repo.league_definition(stored) == DEMO


def test_crash_between_send_and_mark_does_not_send_twice(db: Database) -> None:
    chain = MemoryChain()
    outbox = Outbox(db, chain.chain_id)
    digest = DEMO.digest().hex()
    # The node recorded its intent, sent it, and died before marking it done.
    outbox.record_intent(
        "create_league", [DEMO.name, digest[:16]], actions.create_league_payload(DEMO)
    )
    sent = chain.create_league(DEMO.to_config(chain.addresses.systems["snake"]), DEMO.reward_pool)
    assert [intent.kind for intent in outbox.pending_intents()] == ["create_league"]
    assert actions.create_league(db, chain, DEMO) == sent
    assert chain.counts()[1] == 1
    assert outbox.pending_intents() == []

    outbox.record_intent("open_round", [sent, 1], {"block": chain.block_number()})
    round_id = chain.open_round(sent)
    assert actions.open_round(db, chain, sent, 1).round_id == round_id
    assert chain.counts()[2] == 1
    assert actions.open_round(db, chain, sent, 2).round_id == round_id + 1


def test_round_to_settlement(db: Database) -> None:
    chain = MemoryChain()
    league_id = actions.create_league(db, chain, DEMO)
    code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
    simple = load_agent_file(AGENTS / "snake" / "simple_v0.wat")
    agents = {}
    for agent_code in (code, simple, code):
        agent_id = chain.register_agent(agent_code)
        chain.stake(agent_id, DEMO.min_stake)
        agents[agent_id] = agent_code
    opened = actions.open_round(db, chain, league_id, 1)
    assert actions.fix_seed(db, chain, opened.round_id) is None
    chain.mine(2)
    seed = actions.fix_seed(db, chain, opened.round_id)
    assert seed is not None
    assert actions.fix_seed(db, chain, opened.round_id) == seed
    spec = RoundSpec(
        "snake", DEMO.params_bytes, DEMO.fuel_per_decision, DEMO.matches_per_round, seed
    )
    result = run_round(spec, agents, workers=1)
    repo.save_round_result(db, chain.chain_id, opened.round_id, result)
    for entry in result.agents:
        chain.submit_claim(opened.round_id, entry.agent_id, entry.claim_root, entry.scores)
    with pytest.raises(ChainError, match="ChallengeWindowOpen"):
        actions.settle_round(db, chain, opened.round_id)
    chain.increase_time(DEMO.submission_window + DEMO.challenge_window + 1)
    # the refusal is recorded as failed; asking again once the window has closed retries it
    failed = Outbox(db, chain.chain_id).get(f"settle:{opened.round_id}")
    assert failed is not None
    assert (failed.status, failed.result) == ("failed", {"error": "ChallengeWindowOpen"})
    ranked = actions.settle_round(db, chain, opened.round_id)
    assert [opening.agent_id for opening in ranked] == [e.agent_id for e in result.ranking()]
    assert chain.round(opened.round_id).settled
    assert actions.settle_round(db, chain, opened.round_id) == ranked
    claims = repo.round_claims(db, chain.chain_id, opened.round_id)
    assert {claim.status for claim in claims} == {"settled"}
    best = result.ranking()[0]
    assert chain.balance_of(chain.address) >= DEMO.reward_schedule[0] * DEMO.reward_multiplier
    assert repo.get_matches(db, chain.chain_id, opened.round_id, best.agent_id)[0].seed == (
        best.matches[0].seed
    )


def test_settlement_continues_what_another_node_counted_in_batches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another node counted one claim; settle_round sends only the rest, in batches of
    settle_batch_size (2 here), in ranking order, and the last batch settles the round."""
    chain = MemoryChain()
    league_id = actions.create_league(db, chain, DEMO)
    code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
    for _ in range(5):
        chain.stake(chain.register_agent(code), DEMO.min_stake)
    round_id = chain.open_round(league_id)
    chain.mine(2)
    chain.fix_seed(round_id)
    for agent_id in range(1, 6):
        chain.submit_claim(
            round_id, agent_id, bytes([agent_id]) * 32, [agent_id] * DEMO.matches_per_round
        )
    chain.increase_time(DEMO.submission_window + DEMO.challenge_window + 1)
    third = ClaimOpening(3, bytes([3]) * 32, (3,) * DEMO.matches_per_round)
    chain.with_signer(anvil_account(7)).settle_round(round_id, [third])
    assert chain.agent(3).locked == 0
    sent: list[list[int]] = []
    send = chain.settle_round

    def recording(round_id: int, batch: Sequence[ClaimOpening]) -> None:
        sent.append([opening.agent_id for opening in batch])
        send(round_id, batch)

    monkeypatch.setattr(actions, "settle_batch_size", lambda matches: 2)
    monkeypatch.setattr(chain, "settle_round", recording)
    ranked = actions.settle_round(db, chain, round_id)
    assert sent == [[5, 4], [2, 1]]
    assert [opening.agent_id for opening in ranked] == [5, 4, 3, 2, 1]
    assert chain.round(round_id).settled
    assert chain.balance_of(chain.address) > 0


def test_settlement_finds_claims_past_one_event_batch(db: Database) -> None:
    """A round opened 12,000 blocks into the chain (an event batch is 5,000 blocks): its claims
    are found and ranked, and a crashed open_round resumes from its recorded block."""
    chain = MemoryChain()
    league_id = actions.create_league(db, chain, DEMO)
    code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
    agents = {}
    for _ in range(2):
        agent_id = chain.register_agent(code)
        chain.stake(agent_id, DEMO.min_stake)
        agents[agent_id] = code
    chain.mine(6_000)
    Outbox(db, chain.chain_id).record_intent("open_round", [league_id, 1], {"block": 1})
    chain.mine(6_000)
    round_id = chain.open_round(league_id)  # sent, then the node died before marking it
    assert actions.open_round(db, chain, league_id, 1).round_id == round_id
    chain.mine(2)
    seed = actions.fix_seed(db, chain, round_id)
    assert seed is not None
    spec = RoundSpec(
        "snake", DEMO.params_bytes, DEMO.fuel_per_decision, DEMO.matches_per_round, seed
    )
    result = run_round(spec, agents, workers=1)
    for entry in result.agents:
        chain.submit_claim(round_id, entry.agent_id, entry.claim_root, entry.scores)
    chain.increase_time(DEMO.submission_window + DEMO.challenge_window + 1)
    ranked = actions.settle_round(db, chain, round_id)
    assert [o.agent_id for o in ranked] == [e.agent_id for e in result.ranking()]
    assert chain.round(round_id).settled


def test_next_round_sequence_resumes_an_unfinished_one(db: Database) -> None:
    chain = MemoryChain()
    outbox = Outbox(db, chain.chain_id)
    league_id = actions.create_league(db, chain, DEMO)
    assert outbox.next_sequence("open_round", league_id) == 1
    actions.open_round(db, chain, league_id, 1)
    assert outbox.next_sequence("open_round", league_id) == 2
    outbox.record_intent("open_round", [league_id, 2], {"block": chain.block_number()})
    assert (
        outbox.next_sequence("open_round", league_id) == 2
    )  # pending: maybe sent, resolve it first
    assert outbox.next_sequence("open_round", league_id + 1) == 1


def test_cli_chain_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from node.cli import main

    runner = CliRunner()
    created = runner.invoke(main, ["league", "create", "demo", "--chain", "memory", "--json"])
    assert created.exit_code == 0, created.output
    assert '"leagueId": 1' in created.output
    # the memory chain lives as long as one command: its league is gone in the next one
    refused = runner.invoke(main, ["league", "open-round", "1", "--chain", "memory"])
    assert refused.exit_code == 1
    assert "UnknownLeague" in refused.output
    for args, reason in (
        (["league", "open-round", "x", "--chain", "memory"], "LEAGUE_ID: expected an integer"),
        (["league", "settle", "0", "--chain", "memory"], "ROUND_ID: must be between"),
        (["league", "create", "nope", "--chain", "memory"], "no league named 'nope'"),
        (["league", "create", "demo", "--chain", "nochain"], "--chain: unknown chain adapter"),
        (["league", "create", "demo", "--db", "nosuch://x"], "--db: bad database URL"),
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert reason in result.output, (args, result.output)
    db_file = tmp_path / "nets.db"
    url = f"sqlite:///{db_file}"
    args = ["league", "create", "demo", "--chain", "memory", "--db", url, "--json"]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)  # a new memory chain, the same chain id, the same database
    assert again.exit_code == 1
    assert "a fresh chain with a reused database?" in again.output
    database = open_database(url)
    assert [i.status for i in Outbox(database, 31337).all_intents()] == ["done"]
    database.close()


@pytest.mark.anvil
def test_league_actions_on_anvil(db: Database) -> None:
    """The same actions through the Web3 adapter: create (once), open, fix the seed, settle."""
    from adapters.select import open_chain

    with open_chain("anvil") as opened:
        chain = opened.adapter
        league_id = actions.create_league(db, chain, DEMO)
        assert actions.create_league(db, chain, DEMO) == league_id
        code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
        agent_id = chain.register_agent(code)
        chain.stake(agent_id, DEMO.min_stake)
        opened_round = actions.open_round(db, chain, league_id, 1)
        chain.mine(2)
        seed = actions.fix_seed(db, chain, opened_round.round_id)
        assert seed is not None
        spec = RoundSpec(
            "snake", DEMO.params_bytes, DEMO.fuel_per_decision, DEMO.matches_per_round, seed
        )
        entry = run_round(spec, {agent_id: code}, workers=1).agent(agent_id)
        chain.submit_claim(opened_round.round_id, agent_id, entry.claim_root, entry.scores)
        chain.increase_time(DEMO.submission_window + DEMO.challenge_window + 1)
        ranked = actions.settle_round(db, chain, opened_round.round_id)
        assert [(o.agent_id, o.scores) for o in ranked] == [(agent_id, entry.scores)]
        assert chain.round(opened_round.round_id).settled
        paid = DEMO.reward_schedule[0] * DEMO.reward_multiplier
        assert chain.balance_of(chain.address) == paid


def test_resume_finishes_what_a_crash_left(db: Database) -> None:
    chain = MemoryChain()
    outbox = Outbox(db, chain.chain_id)
    digest = DEMO.digest().hex()
    outbox.record_intent(
        "create_league", [DEMO.name, digest[:16]], actions.create_league_payload(DEMO)
    )
    league_id = chain.create_league(
        DEMO.to_config(chain.addresses.systems["snake"]), DEMO.reward_pool
    )  # sent, then the crash
    outbox.record_intent("open_round", [league_id, 1], {"block": chain.block_number()})
    # not sent before the crash
    assert actions.resume(db, chain) == [
        f"create_league:{DEMO.name}:{digest[:16]}",
        f"open_round:{league_id}:1",
    ]
    assert chain.counts()[1:3] == (1, 1)
    assert outbox.pending_intents() == []
    assert actions.resume(db, chain) == []
    stored = repo.get_round(db, chain.chain_id, 1)
    assert stored is not None
    assert stored.league_id == league_id
