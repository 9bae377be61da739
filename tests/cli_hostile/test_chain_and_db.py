"""--db and --chain: a corrupt database file, an unreachable chain, an unwritable memory chain
file and amounts beyond uint256 get one line, exit 2, and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_hostile.conftest import GREEDY, Nets

UNREACHABLE = "http://127.0.0.1:1"
HUGE = str(2**256)

NODE_COMMANDS = [
    ["league", "create", "snake"],
    ["agent", "status", "1"],
    ["verify", "--once"],
    ["submit", "--register", GREEDY, "--once"],
]


@pytest.fixture
def corrupt_db(workdir: Path) -> str:
    path = workdir / "corrupt.db"
    path.write_bytes(b"this is not an SQLite database, just bytes " * 8)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("args", NODE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_corrupt_database_file(nets: Nets, corrupt_db: str, args: list[str]) -> None:
    nets(*args, "--chain", "memory", "--db", corrupt_db).refused("file is not a database")


def test_demo_with_a_corrupt_database_leaves_no_out_directory(
    nets: Nets, workdir: Path, corrupt_db: str
) -> None:
    nets("demo", "--db", corrupt_db, "--output", "runs/x").refused("file is not a database")
    assert not (workdir / "runs" / "x").exists()


@pytest.mark.parametrize("args", NODE_COMMANDS[:3], ids=lambda a: " ".join(a[:2]))
def test_an_unreachable_chain_leaves_no_database(
    nets: Nets, workdir: Path, args: list[str]
) -> None:
    nets(*args, "--chain", UNREACHABLE).refused("--chain: http://127.0.0.1:1")
    assert not list(workdir.glob("nets.db*"))


@pytest.mark.parametrize("args", NODE_COMMANDS[:2], ids=lambda a: " ".join(a[:2]))
def test_a_memory_chain_file_that_cannot_be_written(
    nets: Nets, workdir: Path, args: list[str]
) -> None:
    (workdir / "plain").write_text("a file, not a directory")
    nets(*args, "--chain", "memory:plain/chain.json").refused("--chain: plain/chain.json")


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["agent", "register", GREEDY, "--league", "snake", "--stake", HUGE], "at most 2**256-1"),
        (["agent", "unstake", "1", "--amount", HUGE], "--amount: must be at most 2**256-1"),
        (
            ["submit", "--register", GREEDY, "--stake", HUGE, "--once"],
            "--stake: must be at most 2**256-1 wei",
        ),
        (["submit", "--agent", HUGE, "--once"], "'--agent'"),
        (["agent", "status", HUGE], "'AGENT_ID'"),
    ],
)
def test_amounts_and_ids_beyond_uint256(nets: Nets, args: list[str], reason: str) -> None:
    nets(*args, "--chain", "memory").refused(reason)


def test_a_stake_beyond_the_balance_is_the_chains_one_line_refusal(nets: Nets) -> None:
    outcome = nets(
        "agent", "register", GREEDY, "--league", "snake", "--stake", "1000000 ether",
        "--chain", "memory",
    )  # fmt: skip
    assert outcome.code == 1, outcome.stderr
    assert outcome.stderr.count("\n") == 1, outcome.stderr
    assert outcome.stderr.startswith("Error: the chain refused: insufficient funds"), outcome.stderr


def test_a_database_url_with_arguments_the_driver_ignores(nets: Nets, workdir: Path) -> None:
    outcome = nets("agent", "status", "1", "--chain", "memory", "--db", "sqlite:///x.db?mode=ro")
    outcome.refused("--db: bad database URL 'sqlite:///x.db?mode=ro': Query string argument(s)")
    assert not (workdir / "x.db").exists()


def test_a_rerun_with_another_stake_for_the_same_agent(nets: Nets) -> None:
    chain = ["--chain", "memory:chain.json", "--db", "sqlite:///node.db"]
    assert (
        nets("agent", "register", GREEDY, "--league", "snake", "--stake", "1 ether", *chain).code
        == 0
    )
    nets("submit", "--register", GREEDY, "--stake", "5", "--once", *chain).refused(
        "already recorded with another payload: this node recorded the action with other values"
    )
