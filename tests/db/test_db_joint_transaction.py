"""`memory:db`: a chain action and the node's records of it are one database transaction.

A process killed at any point inside that transaction leaves both (after its COMMIT) or
neither; a database error while recording, or the chain's refusal, rolls the chain back too."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from adapters.errors import ChainError
from adapters.events import EventCursor, all_events
from adapters.memory import MemoryChain
from node.db import Database, open_database, repo
from node.db.memory_chain import open_memory_chain
from node.db.outbox import DONE, Outbox
from node.league import actions, resolve_league
from node.wasm import load_agent_file
from tests.db.crash_inside import POINTS
from tests.db.scratch import REFUSAL, allow, fresh_database, refuse, run_inside
from tests.forked import run_nets, start_code

ROOT = Path(__file__).resolve().parents[2]
CODE = load_agent_file(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
DEMO = resolve_league("demo")


def stored(url: str) -> tuple[int, str | None, int]:
    """(leagues on the chain, the create_league intent's status, league rows), as a restarted
    node finds them."""
    db = open_database(url)
    try:
        with open_memory_chain(db) as opened:
            chain = opened.adapter
            leagues = chain.counts()[1]
            intents = Outbox(db, chain.chain_id).all_intents("create_league")
            rows = sum(repo.get_league(db, chain.chain_id, i) is not None for i in (1, 2))
    finally:
        db.close()
    status = intents[0].status if intents else None
    return leagues, status, rows


@pytest.mark.parametrize("point", list(POINTS))
def test_a_kill_inside_the_transaction_leaves_both_or_neither(db_url: str, point: str) -> None:
    crashed = run_inside("crash_inside.py", point, db_url)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    leagues, status, rows = stored(db_url)
    if point == "committed":
        assert (leagues, status, rows) == (1, DONE, 1)
    else:  # the intent was recorded before the transaction began: it stays pending
        assert (leagues, status, rows) == (0, "pending", 0)
    again = run_inside("crash_inside.py", "none", db_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "1"
    assert stored(db_url) == (1, DONE, 1)  # sent once, recorded once


def chain_facts(chain: MemoryChain) -> tuple[object, ...]:
    ledger = chain.world.ledger
    return (
        ledger.head,
        len(ledger.events),
        chain.eth_balance(chain.address),
        chain.balance_of(chain.address),
        chain.counts(),
    )


def refuse_done_marks(db: Database) -> None:
    """A real database error on the record's write: the database aborts marking any intent
    done."""
    refuse(db, "no_done", "intents", "UPDATE", "NEW.status = 'done'")


def allow_done_marks(db: Database) -> None:
    allow(db, "no_done", "intents")


def test_a_database_error_while_recording_rolls_the_chain_back(db_url: str) -> None:
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        agent = chain.register_agent(CODE)
        before = chain_facts(chain)
        outbox = Outbox(db, chain.chain_id)
        refuse_done_marks(db)
        with pytest.raises(IntegrityError, match=REFUSAL):
            actions.perform(
                outbox, "stake", [agent], {}, check=lambda: None,
                send=lambda: chain.stake(agent, 10**18) or True,
            )  # fmt: skip
        assert chain_facts(chain) == before  # the reloaded chain: no stake, no block
        assert chain.agent(agent).stake == 0
        intent = outbox.get("stake:" + str(agent))
        assert intent is not None
        assert intent.status == "pending"
    db.close()

    db = open_database(db_url)  # what a restarted node finds, then its retry
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        assert chain_facts(chain)[1:] == before[1:]  # the head moves with the wall clock
        allow_done_marks(db)
        outbox = Outbox(db, chain.chain_id)
        assert actions.perform(
            outbox, "stake", [agent], {}, check=lambda: None,
            send=lambda: chain.stake(agent, 10**18) or True,
        )  # fmt: skip
        assert chain.agent(agent).stake == 10**18
        staked = [e for e in all_events(chain, EventCursor(0, 0)) if e.name == "Staked"]
        assert len(staked) == 1
    db.close()


def test_a_refusal_rolls_back_the_records_written_with_it(db_url: str) -> None:
    """A record written before the chain refuses goes with the refusal; the failure itself is
    recorded afterwards."""
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        league_id = actions.create_league(db, chain, DEMO)
        before = chain_facts(chain)
        outbox = Outbox(db, chain.chain_id)

        def save_then_refuse() -> int:
            repo.save_round(db, chain.chain_id, 99, league_id, seed_block=1)
            chain.stake(12345, 1)  # no such agent: the chain refuses
            return 1

        with pytest.raises(ChainError):
            actions.perform(outbox, "open_round", [league_id, 1], {}, check=lambda: None,
                            send=save_then_refuse)  # fmt: skip
        assert repo.get_round(db, chain.chain_id, 99) is None
        assert chain_facts(chain) == before
        intent = outbox.get(f"open_round:{league_id}:1")
        assert intent is not None
        assert intent.status == "failed"
    db.close()


Step = tuple[int, bool, bool]
"""(amount, the record's write fails, the chain refuses)."""


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(1, 10**18), st.booleans(), st.booleans()), min_size=1, max_size=6
    )
)
def test_done_intents_and_the_chain_agree_whatever_fails(steps: list[Step]) -> None:
    """Any mix of stakes, refusals and failed record writes: the chain holds exactly the
    stakes whose intents are done, in memory and as a reopened database finds them."""
    with fresh_database() as url:
        db = open_database(url)
        with open_memory_chain(db) as opened:
            chain = opened.adapter
            assert isinstance(chain, MemoryChain)
            agent = chain.register_agent(CODE)
            outbox = Outbox(db, chain.chain_id)
            for number, (amount, fail_record, refuse) in enumerate(steps):
                if fail_record:
                    refuse_done_marks(db)
                target = agent + 1 if refuse else agent  # no such agent: refused
                try:
                    actions.perform(
                        outbox, "stake", [agent, number], {"amount": amount},
                        check=lambda: None,
                        send=lambda t=target, a=amount: chain.stake(t, a) or True,
                    )  # fmt: skip
                except (ChainError, IntegrityError):
                    assert refuse or fail_record
                if fail_record:
                    allow_done_marks(db)
                assert staked_as_recorded(chain, outbox, agent)
        db.close()
        db = open_database(url)
        with open_memory_chain(db) as opened:
            chain = opened.adapter
            assert isinstance(chain, MemoryChain)
            assert staked_as_recorded(chain, Outbox(db, chain.chain_id), agent)
        db.close()


def staked_as_recorded(chain: MemoryChain, outbox: Outbox, agent: int) -> bool:
    done = [i for i in outbox.all_intents("stake") if i.status == DONE]
    staked = [e for e in all_events(chain, EventCursor(0, 0)) if e.name == "Staked"]
    return len(staked) == len(done) and chain.agent(agent).stake == sum(
        int(i.payload["amount"]) for i in done
    )


def test_the_command_says_which_database_failed_and_the_chain_keeps_nothing(
    tmp_path: Path, db_url: str
) -> None:
    db = open_database(db_url)
    refuse_done_marks(db)
    db.close()
    env = {k: v for k, v in os.environ.items() if k not in ("NETS_CHAIN", "NETS_DB")}
    done = run_nets(
        "league", "create", "demo", "--chain", "memory:db", "--db", db_url,
        cwd=tmp_path, env={**env, "NETS_HOME": str(tmp_path / ".nets")}, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "--db:" in lines[0]
    assert REFUSAL in lines[0]
    assert stored(db_url) == (0, "pending", 0)


RACER = """
import sys
from node.db import open_database
from node.db.memory_chain import open_memory_chain
from node.db.outbox import Outbox
from node.league import actions
db = open_database(sys.argv[1])
agent, count = int(sys.argv[2]), int(sys.argv[3])
with open_memory_chain(db) as opened:
    chain = opened.adapter
    outbox = Outbox(db, chain.chain_id)
    for number in range(count):
        actions.perform(outbox, "stake", [agent, number], {"amount": 1}, check=lambda: None,
                        send=lambda: chain.stake(agent, 1) or True)
db.close()
"""


def test_processes_racing_on_the_same_intents_send_each_once(db_url: str) -> None:
    """Three processes perform the same 15 stakes on one database at once, with no chain
    check at all: under the chain's lock each re-reads the intent in the transaction that
    would send it, so every stake reaches the chain once and is recorded once."""
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        agent = opened.adapter.register_agent(CODE)
    db.close()
    racers = [start_code(RACER, db_url, str(agent), "15") for _ in range(3)]
    for racer in racers:
        done = racer.wait(timeout=300)
        assert done.returncode == 0, done.stderr
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        outbox = Outbox(db, chain.chain_id)
        assert [i.status for i in outbox.all_intents("stake")] == [DONE] * 15
        assert staked_as_recorded(chain, outbox, agent)
        assert chain.agent(agent).stake == 15
    db.close()


def test_a_settlement_and_its_rows_commit_together(db_url: str) -> None:
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        chain = opened.adapter
        assert isinstance(chain, MemoryChain)
        league_id = actions.create_league(db, chain, DEMO)
        round_id = actions.open_round(db, chain, league_id, 1).round_id
        chain.mine(2)
        assert actions.fix_seed(db, chain, round_id) is not None
        chain.increase_time(DEMO.submission_window + DEMO.challenge_window + 1)
        chain.mine()
        refuse_done_marks(db)
        with pytest.raises(IntegrityError):
            actions.settle_round(db, chain, round_id)
        assert not chain.round(round_id).settled
        row = repo.get_round(db, chain.chain_id, round_id)
        assert row is not None
        assert row.status == "open"
        allow_done_marks(db)
        assert actions.settle_round(db, chain, round_id) == []
    db.close()
    db = open_database(db_url)
    with open_memory_chain(db) as opened:
        assert opened.adapter.round(round_id).settled
        row = repo.get_round(db, opened.adapter.chain_id, round_id)
        assert row is not None
        assert row.status == "settled"
    db.close()
