"""On a chain that commits on its own (the plain and `memory:FILE` memory chains, anvil), an
action's done mark and its rows are still one database transaction (Database.records): a
crash or a database error after the chain took the action leaves the intent pending and no
rows, never an intent done whose rows a restart would not write. The rerun's chain check
finds the action and records it, without sending it again."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from adapters.memory import MemoryChain
from adapters.select import open_chain
from node.db import open_database, repo
from node.db.outbox import DONE, Outbox
from node.league import actions, resolve_league
from tests.db.scratch import REFUSAL, allow, refuse, run_inside

DEMO = resolve_league("demo")


def test_a_failing_row_leaves_the_intent_pending_and_the_rerun_records_it(db_url: str) -> None:
    db = open_database(db_url)
    chain = MemoryChain()
    outbox = Outbox(db, chain.chain_id)
    refuse(db, "no_leagues", "leagues", "INSERT")
    with pytest.raises(IntegrityError, match=REFUSAL):
        actions.create_league(db, chain, DEMO)
    assert chain.counts()[1] == 1  # the chain committed on its own
    (intent,) = outbox.all_intents("create_league")
    assert intent.status == "pending"  # not done without its row
    assert repo.get_league(db, chain.chain_id, 1) is None
    allow(db, "no_leagues", "leagues")
    assert actions.create_league(db, chain, DEMO) == 1  # found on the chain, not sent again
    assert chain.counts()[1] == 1
    assert [i.status for i in outbox.all_intents("create_league")] == [DONE]
    assert repo.get_league(db, chain.chain_id, 1) is not None
    db.close()


def stored(url: str, chain: str) -> tuple[int, str | None, int]:
    db = open_database(url)
    try:
        with open_chain(chain) as opened:
            adapter = opened.adapter
            intents = Outbox(db, adapter.chain_id).all_intents("create_league")
            rows = sum(repo.get_league(db, adapter.chain_id, i) is not None for i in (1, 2))
            leagues = adapter.counts()[1]
    finally:
        db.close()
    return leagues, intents[0].status if intents else None, rows


@pytest.mark.parametrize("point", ["sent", "marked", "recorded"])
def test_a_kill_after_a_file_chain_committed_leaves_the_intent_pending(
    tmp_path: Path, db_url: str, point: str
) -> None:
    chain = f"memory:{tmp_path / 'chain.json'}"

    def helper(at: str) -> subprocess.CompletedProcess[str]:
        return run_inside("crash_inside.py", at, db_url, chain)

    crashed = helper(point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert stored(db_url, chain) == (1, "pending", 0)
    again = helper("none")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "1"
    assert stored(db_url, chain) == (1, DONE, 1)  # sent once, recorded once
