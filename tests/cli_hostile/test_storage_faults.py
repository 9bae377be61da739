"""Storage faults under the node: a full disk (RLIMIT_FSIZE), a damaged SQLite file and a
database that belongs to something else exit 2 with one line naming the file and the fault,
and leave no record of a chain action the chain does not have."""

from __future__ import annotations

import os
import resource
import sqlite3
from pathlib import Path

import pytest

from tests.cli_hostile.conftest import GREEDY, Nets, Outcome, nets_process

NODE_COMMANDS = [
    ["league", "create", "demo"],
    ["agent", "status", "1"],
    ["verify", "--once"],
    ["submit", "--agent", "1", "--once"],
]


def limited(limit: int, *args: str) -> Outcome:
    """`nets ARGS` with files capped at ``limit`` bytes (a disk that fills during a write)."""

    def cap_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return nets_process(Path.cwd(), *args, before=cap_file_size)


def grow_past(journal: Path, size: int) -> None:
    """Real transactions (an agent registered and topped up) until the journal is ``size``."""
    from adapters.select import open_chain
    from node.wasm import load_agent_file

    with open_chain(f"memory:{journal.with_suffix('')}") as opened:
        chain = opened.adapter
        agent = chain.register_agent(load_agent_file(GREEDY))
        while journal.stat().st_size < size:
            chain.stake(agent, 1)


def intents(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT key, status FROM intents").fetchall())


def test_a_full_disk_under_the_chain_file(nets: Nets, workdir: Path) -> None:
    node = ["--chain", "memory:chain.json", "--db", "sqlite:///node.db"]
    assert nets("league", "create", "demo", *node).code == 0
    journal = workdir / "chain.json.journal"
    grow_past(journal, 400_000)  # so that the cap bites the chain's write, not the database's
    outcome = limited(journal.stat().st_size + 64, "league", "open-round", "1", *node)
    outcome.refused("--chain: chain.json.journal: File too large")
    assert intents(workdir / "node.db")["open_round:1:1"] == "pending"  # never "done"
    assert nets("league", "open-round", "1", *node, "--json").code == 0  # space again: it goes
    assert intents(workdir / "node.db")["open_round:1:1"] == "done"


def test_a_full_disk_under_the_database(nets: Nets, workdir: Path) -> None:
    node = ["--chain", "memory:db", "--db", "sqlite:///node.db"]
    assert nets("league", "create", "demo", *node).code == 0
    outcome = limited(8_000, "league", "open-round", "1", *node)
    outcome.refused("sqlite:///node.db")
    assert "disk I/O error" in outcome.stderr
    assert "open_round:1:1" not in intents(workdir / "node.db")
    assert nets("league", "open-round", "1", *node).code == 0


@pytest.fixture
def damaged_db(nets: Nets, workdir: Path) -> str:
    """A node database with 4 KiB of garbage written over its middle."""
    assert nets("league", "create", "demo", "--chain", "memory:c.json", "--db",
                "sqlite:///node.db").code == 0  # fmt: skip
    path = workdir / "node.db"
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(os.urandom(4096))
    return "sqlite:///node.db"


@pytest.mark.parametrize("args", NODE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_damaged_database(nets: Nets, damaged_db: str, args: list[str]) -> None:
    outcome = nets(*args, "--chain", "memory:c.json", "--db", damaged_db)
    outcome.refused("--db: ")
    assert "node.db" in outcome.stderr
    assert "malformed" in outcome.stderr or "damaged" in outcome.stderr


@pytest.fixture
def foreign_db(workdir: Path) -> str:
    with sqlite3.connect(workdir / "other.db") as connection:
        connection.execute("CREATE TABLE people (id INTEGER, name TEXT)")
        connection.execute("INSERT INTO people VALUES (1, 'ada')")
    return "sqlite:///other.db"


@pytest.mark.parametrize("args", NODE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_database_of_another_schema_is_refused_by_name(
    nets: Nets, workdir: Path, foreign_db: str, args: list[str]
) -> None:
    nets(*args, "--chain", "memory:c.json", "--db", foreign_db).refused(
        "other.db is not a nets database (it has tables people and no schema_version)"
    )
    with sqlite3.connect(workdir / "other.db") as connection:  # left exactly as it was
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("people",)]
