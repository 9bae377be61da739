"""The streaming trace root equals node.merkle's RFC 9162 root over the lines."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from node.merkle import leaf_hash, merkle_root, root_from_leaf_hashes
from node.sim import trace as trace_mod
from node.sim.trace import MerkleAccumulator, TraceWriter, file_root, root_path


@given(st.lists(st.binary(max_size=40), max_size=80))
@settings(max_examples=60, deadline=None)
def test_accumulator_matches_merkle_root(entries: list[bytes]) -> None:
    acc = MerkleAccumulator()
    for entry in entries:
        acc.add_entry(entry)
    assert acc.root() == merkle_root(entries)
    assert acc.count == len(entries)


@given(st.integers(0, 300), st.integers(0, 300))
@settings(max_examples=40, deadline=None)
def test_batched_leaves_match_one_by_one(first: int, second: int) -> None:
    leaves = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(first + second)]
    batched = MerkleAccumulator()
    batched.add_leaf_hashes(leaves[:first])
    batched.add_leaf_hashes(leaves[first:])
    assert batched.root() == root_from_leaf_hashes(leaves)


def test_writer_blocks_and_tail_match_reference(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a small block size exercises whole blocks plus a ragged tail
    monkeypatch.setattr(trace_mod, "BLOCK_HEIGHT", 3)
    monkeypatch.setattr(trace_mod, "BLOCK", 8)
    for count in (0, 1, 7, 8, 9, 63, 64, 100):
        path = tmp_path / f"t{count}.jsonl"
        writer = TraceWriter(path)
        lines = [f'{{"n":{i}}}' for i in range(count)]
        for i, line in enumerate(lines):
            writer.line(line)
            if i % 5 == 0:
                writer.flush()
        root = writer.close()
        raw = [line.encode() for line in lines]
        assert root == merkle_root(raw), count
        assert root_from_leaf_hashes([leaf_hash(r) for r in raw]) == root
        assert root_path(path).read_text() == "0x" + root.hex() + "\n"
        assert file_root(path) == (root, count)


def test_in_memory_writer_needs_no_file() -> None:
    writer = TraceWriter(None)
    writer.line('{"a":1}')
    assert writer.close() == merkle_root([b'{"a":1}'])


def test_hash_worker_gives_the_same_root(tmp_path: Path) -> None:
    lines = [f'{{"n":{i}}}' for i in range(20_000)]
    roots = []
    for worker in (False, True):
        writer = TraceWriter(tmp_path / f"w{worker}.jsonl", hash_worker=worker)
        for line in lines:
            writer.line(line)
        roots.append(writer.close())
        assert writer.lines == len(lines)
    assert roots[0] == roots[1] == merkle_root([line.encode() for line in lines])


def test_abort_stops_the_worker(tmp_path: Path) -> None:
    writer = TraceWriter(tmp_path / "a.jsonl", hash_worker=True)
    writer.line("{}")
    writer.flush()
    worker = writer._worker
    assert worker is not None
    writer.abort()
    assert not worker._proc.is_alive()
