"""The memory chain is durable per transaction (memory:FILE and memory:db): a transaction is
stored before its sender sees the result, several processes share one chain as one process
would, and torn, damaged or unwritable storage gives a one-line MemoryFileError."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from adapters.memory import MemoryChain, durable
from adapters.memory.persist import MemoryFileError
from adapters.select import open_chain
from node.db import memory_chain as db_store
from node.db import open_database
from node.db.memory_chain import open_memory_chain
from node.league import resolve_league
from node.wasm import load_agent_file
from tests.forked import start_code
from tests.fresh import run_python, start_python

ROOT = Path(__file__).resolve().parents[2]
CODE = load_agent_file(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
STAKE = resolve_league("demo").min_stake


@contextmanager
def file_chain(path: Path) -> Iterator[MemoryChain]:
    with open_chain(f"memory:{path}") as opened:
        assert isinstance(opened.adapter, MemoryChain)
        yield opened.adapter


@contextmanager
def db_chain(url: str) -> Iterator[MemoryChain]:
    db = open_database(url)
    try:
        with open_memory_chain(db) as opened:
            assert isinstance(opened.adapter, MemoryChain)
            yield opened.adapter
    finally:
        db.close()


@pytest.fixture(autouse=True)
def still_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stored memory chain mines by wall time; these tests compare block for block with a
    chain that only transactions move, so the wall clock stands still for them."""
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)


@pytest.fixture(params=["file", "db"])
def opener(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Callable[[], object]:
    if request.param == "file":
        return lambda: file_chain(tmp_path / "chain.json")
    return lambda: db_chain(db_url)


def fingerprint(chain: MemoryChain) -> tuple[object, ...]:
    ledger = chain.world.ledger
    return (
        chain.block_number(),
        chain.counts(),
        len(ledger.events),
        sorted(ledger.wallets.items()),
        sorted((k, a.stake) for k, a in chain.world.state.agents.items()),
    )


def script(chain: MemoryChain, other: MemoryChain) -> None:
    """Register, stake and top up from two handles, alternating."""
    first = chain.register_agent(CODE)
    chain.stake(first, STAKE)
    second = other.register_agent(CODE)
    other.stake(second, STAKE)
    for i in range(6):
        (chain if i % 2 else other).stake(first if i % 3 else second, 1 + i)
    other.increase_time(100)
    chain.request_unstake(first, 1)


def test_two_handles_on_one_store_act_as_one_chain(opener: Callable[[], object]) -> None:
    with opener() as a, opener() as b:  # type: ignore[attr-defined]
        script(a, b.with_signer(a.address))
        assert fingerprint(a) == fingerprint(b)
        shared = fingerprint(a)
    alone = MemoryChain()
    script(alone, alone)
    assert shared == fingerprint(alone)
    with opener() as again:  # type: ignore[attr-defined]
        assert fingerprint(again) == shared


def test_a_refused_transaction_stores_nothing(opener: Callable[[], object]) -> None:
    from adapters.errors import ChainError

    with opener() as a:  # type: ignore[attr-defined]
        agent = a.register_agent(CODE)
        before = fingerprint(a)
        with pytest.raises(ChainError):
            a.request_unstake(agent, 1)  # nothing staked
        assert fingerprint(a) == before
    with opener() as b:  # type: ignore[attr-defined]
        assert fingerprint(b) == before


CHILD = """
import sys
from adapters.select import open_chain
from node.wasm import load_agent_file
opened = open_chain(sys.argv[1])
chain = opened.adapter
agent = chain.register_agent(load_agent_file(sys.argv[2]))
chain.stake(agent, int(sys.argv[3]))
print(agent, chain.block_number(), flush=True)
import time
time.sleep(60)
"""


def test_a_receipt_survives_kill_9(tmp_path: Path) -> None:
    """The sender saw its result, then died without closing anything: the chain has it."""
    path = tmp_path / "chain.json"
    wat = ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat"
    child = start_python(CHILD, f"memory:{path}", str(wat), str(STAKE))
    assert child.stdout is not None
    agent, block = (int(x) for x in child.stdout.readline().split())
    child.send_signal(signal.SIGKILL)
    child.wait()
    with file_chain(path) as chain:
        assert chain.world.ledger.head == block  # mined blocks (time alone adds empty ones)
        assert chain.agent(agent).stake == STAKE


def test_a_torn_last_line_is_skipped_and_cut(tmp_path: Path) -> None:
    path = tmp_path / "chain.json"
    with file_chain(path) as chain:
        agent = chain.register_agent(CODE)
        expected = fingerprint(chain)
    journal = path.with_name(path.name + ".journal")
    with journal.open("ab") as handle:
        handle.write(b'{"seq": 2, "ledger": {"timest')  # a writer killed mid-append
    with file_chain(path) as chain:
        assert fingerprint(chain) == expected
        chain.stake(agent, STAKE)
    lines = journal.read_bytes().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2]
    with file_chain(path) as chain:
        assert chain.agent(agent).stake == STAKE


def test_a_damaged_journal_record_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "chain.json"
    with file_chain(path) as chain:
        agent = chain.register_agent(CODE)
        chain.stake(agent, STAKE)
    journal = path.with_name(path.name + ".journal")
    data = bytearray(journal.read_bytes())
    data[5:40] = b"\x00garbage" * 4 + b"xxx"
    journal.write_bytes(bytes(data))
    with pytest.raises(MemoryFileError, match=r"chain\.json\.journal: damaged record at byte 0"):
        open_chain(f"memory:{path}")


def test_a_reader_follows_across_compactions(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(durable, "COMPACT_BYTES", 1)
    monkeypatch.setattr(db_store, "COMPACT_BYTES", 1)
    path = tmp_path / "chain.json"
    with file_chain(path) as writer, file_chain(path) as reader:
        agent = writer.register_agent(CODE)
        for i in range(12):
            writer.stake(agent, 1)
            if i % 5 == 0:
                assert fingerprint(reader) == fingerprint(writer)
        assert fingerprint(reader) == fingerprint(writer)
        snapshot = json.loads(path.read_text())
        assert snapshot["seq"] > 1  # compacted at least once
    with db_chain(db_url) as writer, db_chain(db_url) as reader:
        agent = writer.register_agent(CODE)
        for _ in range(12):
            writer.stake(agent, 1)
        assert fingerprint(reader) == fingerprint(writer)


FULL_DISK = """
import resource, sys
from adapters.memory.persist import MemoryFileError
from adapters.select import open_chain
from node.wasm import load_agent_file
chain = open_chain(sys.argv[1]).adapter
agent = chain.register_agent(load_agent_file(sys.argv[2]))
head = chain.world.ledger.head  # mined blocks: time alone adds empty ones to reads
import os
size = os.path.getsize(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 10, size + 10))
try:
    chain.stake(agent, int(sys.argv[4]))
except MemoryFileError as exc:
    print("refused", chain.world.ledger.head == head, chain.agent(agent).stake, exc)
"""


def test_a_full_disk_refuses_the_transaction_and_keeps_memory_equal_to_disk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chain.json"
    journal = path.with_name(path.name + ".journal")
    wat = ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat"
    done = run_python(FULL_DISK, f"memory:{path}", str(wat), str(journal), str(STAKE))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused True 0 ")
    assert "chain.json.journal: File too large" in done.stdout
    with file_chain(path) as chain:
        assert chain.counts()[0] == 1
        assert chain.world.state.agents[1].stake == 0


def test_opening_leaves_another_writers_snapshot_in_progress_alone(tmp_path: Path) -> None:
    """A process opening FILE while another writes its snapshot (FILE.tmp, then a rename) must
    not delete that file: with a shared probe name two starting processes also failed each
    other ("cannot be written: No such file or directory")."""
    path = tmp_path / "chain.json"
    in_progress = path.with_name("chain.json.tmp")
    in_progress.write_bytes(b"half a snapshot")
    store = durable.FileStore(path)
    store.open()
    store.close()
    assert in_progress.read_bytes() == b"half a snapshot"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chain.json.lock", "chain.json.tmp"]


OPENER = """
import sys, time
from pathlib import Path
from adapters.memory.durable import FileStore
go, given_up = Path(sys.argv[2]), time.monotonic() + 60
while not go.exists():
    if time.monotonic() > given_up:
        sys.exit("no go")
    time.sleep(0.001)
for _ in range(25):
    store = FileStore(Path(sys.argv[1]))
    store.open()
    store.close()
"""


def test_processes_opening_one_file_at_once_all_open_it(tmp_path: Path) -> None:
    """Four processes start on one new FILE at the same moment (a devnet's roles do)."""
    path = tmp_path / "chain.json"
    go = tmp_path / "go"
    runs = [start_code(OPENER, str(path), str(go)) for _ in range(4)]
    go.touch()  # all at once
    done = [run.wait(timeout=120) for run in runs]
    assert [run.returncode for run in done] == [0] * 4, [run.stderr for run in done]
