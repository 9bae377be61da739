"""Schema creation and versioning, and the repositories' round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.events import EventCursor
from node.db import SCHEMA_VERSION, DatabaseError, open_database, repo
from node.db.engine import Database, redact
from node.db.models import DisputeRow
from node.league import RoundSpec, resolve_league, run_round
from node.wasm import load_agent_file

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"


def test_new_database_is_stamped_and_reopens(db_url: str, db: Database) -> None:
    assert db.schema_version() == SCHEMA_VERSION
    db.close()
    again = open_database(db_url)
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_newer_schema_is_refused(db_url: str, db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE schema_version SET version = :v"), {"v": SCHEMA_VERSION + 1}
        )
    db.close()
    with pytest.raises(DatabaseError, match=r"schema version \d+ is newer than this node's"):
        open_database(db_url)


def test_older_schema_is_upgraded_and_restamped(db_url: str, db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE schema_version SET version = 0"))
    db.close()
    again = open_database(db_url)
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_bad_urls_are_clear() -> None:
    with pytest.raises(DatabaseError, match="bad database URL"):
        open_database("nosuchdialect://x")
    with pytest.raises(DatabaseError, match="cannot open database"):
        open_database("sqlite:////nonexistent-dir/sub/nets.db")
    assert redact("postgresql://nets:secret@localhost:5432/db") == (
        "postgresql://nets:***@localhost:5432/db"
    )


def test_default_url_comes_from_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("NETS_DB", url)
    database = open_database()
    assert database.url == url
    database.close()
    assert (tmp_path / "env.db").exists()


def test_cursor_round_trip(db: Database) -> None:
    assert repo.load_cursor(db, "web3", 1) == EventCursor()
    cursor = EventCursor(123, 4, b"\xab" * 32)
    repo.save_cursor(db, "web3", 1, cursor)
    loaded = repo.load_cursor(db, "web3", 1)
    assert (loaded, loaded.anchor_hash) == (cursor, cursor.anchor_hash)
    repo.save_cursor(db, "web3", 1, EventCursor(200, 0))
    assert repo.load_cursor(db, "web3", 1) == EventCursor(200, 0)
    assert repo.load_cursor(db, "web3", 2) == EventCursor()
    assert repo.load_cursor(db, "memory", 1) == EventCursor()


def test_agents_leagues_rounds_matches_claims(db: Database) -> None:
    demo = resolve_league("demo")
    code = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
    big = 2**63 - 1
    repo.save_agent(
        db, 31337, big, b"\x01" * 32, code=code, owner="0xabc", abi_version=1, mine=True
    )
    repo.save_agent(db, 31337, 2, b"\x02" * 32)
    assert [row.agent_id for row in repo.my_agents(db, 31337)] == [big]
    stored = repo.get_agent(db, 31337, big)
    assert stored is not None
    assert stored.code == code
    repo.save_league(db, 31337, 1, demo)
    league = repo.get_league(db, 31337, 1)
    assert league is not None
    assert repo.league_definition(league) == demo

    repo.save_round(db, 31337, 5, 1, seed_block=10, submit_deadline=2**40, challenge_deadline=2**41)
    repo.save_round(db, 31337, 5, 1, seed=b"\x07" * 32)
    row = repo.get_round(db, 31337, 5)
    assert row is not None
    assert (row.seed_block, row.submit_deadline, row.seed) == (10, 2**40, b"\x07" * 32)
    spec = RoundSpec("snake", demo.params_bytes, demo.fuel_per_decision, 3, b"\x07" * 32)
    result = run_round(spec, {3: code, 4: code}, workers=1)
    repo.save_round_result(db, 31337, 5, result)
    repo.save_round_result(db, 31337, 5, result)  # a rerun converges
    claims = repo.round_claims(db, 31337, 5)
    assert [claim.agent_id for claim in claims] == [3, 4]
    assert claims[0].claim_root == result.agent(3).claim_root
    assert repo.claim_scores(claims[0]) == result.agent(3).scores
    assert claims[0].total == str(result.agent(3).total)
    matches = repo.get_matches(db, 31337, 5, 3)
    assert [m.trace_root for m in matches] == [r.trace_root for r in result.agent(3).matches]
    repo.set_claim_status(db, 31337, 5, 3, "submitted")
    repo.save_round_result(db, 31337, 5, result)
    claim = repo.get_claim(db, 31337, 5, 3)
    assert claim is not None
    assert claim.status == "submitted"
    repo.save_claim(db, 31337, 5, 9, b"\x09" * 32, [2**63 - 1, 2**63 - 1], status="live")
    claim = repo.get_claim(db, 31337, 5, 9)
    assert claim is not None
    assert claim.total == str(2**64 - 2)
    repo.set_round_status(db, 31337, 5, "submitted")
    with pytest.raises(KeyError):
        repo.set_round_status(db, 31337, 6, "submitted")


def test_disputes_and_moves(db: Database) -> None:
    repo.save_dispute(
        db,
        DisputeRow(
            chain_id=1, dispute_id=4, round_id=5, agent_id=3, match_index=2, role="challenger"
        ),
    )
    assert [d.dispute_id for d in repo.open_disputes(db, 1)] == [4]
    for kind in ("challenge", "answer", "prove_step", "answer"):  # an action recorded again
        repo.add_move(db, 1, 4, kind, {"agree": True})
    assert [(m.seq, m.kind) for m in repo.moves(db, 1, 4)] == [
        (0, "challenge"),
        (1, "answer"),
        (2, "prove_step"),
    ]
    dispute = repo.get_dispute(db, 1, 4)
    assert dispute is not None
    dispute.verdict, dispute.reason = 0, 7
    repo.save_dispute(db, dispute)
    assert repo.open_disputes(db, 1) == []
