"""`--chain memory:db`: the MemoryChain lives in the node's database across commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.errors import AdapterError
from adapters.memory import MemoryChain
from adapters.memory.persist import MemoryFileError
from adapters.select import MEMORY_IN_DB, open_chain
from node.db import open_database, repo
from node.db.memory_chain import open_memory_chain
from node.league import actions, resolve_league
from node.wasm import load_agent_file

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
DEMO = resolve_league("demo")


def test_a_league_survives_across_commands(db_url: str) -> None:
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        league_id = actions.create_league(db, chain, DEMO)
        agent_id = chain.register_agent(load_agent_file(AGENTS / "snake" / "greedy_v1.wat"))
        chain.stake(agent_id, DEMO.min_stake)
        round_id = actions.open_round(db, chain, league_id, 1).round_id
        block, balance = chain.world.ledger.head, chain.eth_balance(chain.address)
    db.close()

    db = open_database(db_url)  # a later command, in a fresh connection
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        assert chain.world.ledger.head == block  # mined blocks; time adds empty ones
        assert chain.eth_balance(chain.address) == balance
        assert chain.agent(agent_id).stake == DEMO.min_stake
        assert chain.round(round_id).league_id == league_id
        # the node's records and the chain agree: the same round is not opened twice
        assert actions.open_round(db, chain, league_id, 1).round_id == round_id
        assert actions.create_league(db, chain, DEMO) == league_id
        assert chain.counts()[1:3] == (1, 1)
    db.close()


def test_a_corrupt_stored_chain_is_refused(db_url: str) -> None:
    db = open_database(db_url)
    repo.save_memory_chain(db, '{"format": "something else"}')
    with pytest.raises(
        MemoryFileError, match="the memory chain stored in the database does not load"
    ):
        open_memory_chain(db)
    db.close()


def test_open_chain_refuses_memory_db_without_a_database() -> None:
    with pytest.raises(AdapterError, match="only the commands with --db"):
        open_chain(MEMORY_IN_DB)


def test_cli_commands_share_the_chain_in_the_database(db_url: str) -> None:
    from click.testing import CliRunner

    from node.cli import main

    runner = CliRunner()
    node = ["--chain", "memory:db", "--db", db_url]
    created = runner.invoke(main, ["league", "create", "demo", *node, "--json"])
    assert created.exit_code == 0, created.output
    assert '"leagueId": 1' in created.output
    opened = runner.invoke(main, ["league", "open-round", "1", *node, "--json"])
    assert opened.exit_code == 0, opened.output  # the league created by the last command
    again = runner.invoke(main, ["league", "create", "demo", *node, "--json"])
    assert again.exit_code == 0, again.output  # recognised, not created twice
    assert '"leagueId": 1' in again.output
    db = open_database(db_url)
    with open_memory_chain(db) as chain:
        assert chain.adapter.counts()[1:3] == (1, 1)
    repo.save_memory_chain(db, "not json")
    db.close()
    refused = runner.invoke(main, ["league", "open-round", "1", *node])
    assert refused.exit_code == 2
    assert "--chain: the memory chain stored in the database does not load" in refused.output
