"""--db as a plain path means a SQLite file there, and a database that cannot be opened is
refused before any chain work (an unreachable chain would otherwise be the first error, after
its timeouts)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli_hostile.conftest import Nets

UNREACHABLE = "http://127.0.0.1:1"


@pytest.mark.parametrize("path", ["node.db", "sub/node.db"])
def test_a_plain_path_is_a_sqlite_file_there(nets: Nets, workdir: Path, path: str) -> None:
    (workdir / "sub").mkdir()
    chain = ["--chain", "memory:chain.json"]
    outcome = nets("league", "create", "demo", *chain, "--db", path)
    assert outcome.code == 0, outcome.stderr
    with sqlite3.connect(workdir / path) as db:
        assert db.execute("select count(*) from leagues").fetchone() == (1,)
    again = nets("league", "create", "demo", *chain, "--db", str(workdir / path), "--json")
    assert again.code == 0, again.stderr  # the same file by its absolute path: same league
    assert not list(workdir.glob("nets.db*"))


def test_a_missing_directory_is_refused_before_the_chain(nets: Nets, workdir: Path) -> None:
    outcome = nets("league", "create", "demo", "--chain", UNREACHABLE, "--db", "nowhere/n.db")
    outcome.refused("--db: cannot open database")
    assert "nowhere' does not exist" in outcome.stderr
    assert not (workdir / "nowhere").exists()


def test_a_directory_is_refused_before_the_chain(nets: Nets, workdir: Path) -> None:
    (workdir / "adir").mkdir()
    outcome = nets("agent", "status", "1", "--chain", UNREACHABLE, "--db", "adir")
    outcome.refused("it is a directory")


def test_a_bad_url_is_refused_before_the_chain(nets: Nets) -> None:
    outcome = nets("verify", "--once", "--chain", UNREACHABLE, "--db", "nosuchdriver://x")
    outcome.refused("--db: ")
