"""The fast trace paths write exactly the bytes json.dumps would, and the roots stay pinned.

The engine formats its lines with cached heads and tails instead of json.dumps, and the writer
hashes leaves through C-level maps: both are speed-only, so the trace of a seed must not move.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.merkle import merkle_root, root_from_leaf_hashes
from node.native import library as native
from node.sim import engine, scenario
from node.sim import trace as trace_module
from node.sim.trace import BLOCK, BlockHasher, TraceWriter, _leaf_hashes
from tests.sim.conftest import make

# Roots of the traces these scenarios gave before the fast paths existed.
PINNED = {
    "pingpong": ("1263f94259e760fbe9f436f53de415bad52ec2bf1017a51762cefa7e8dd7f193", 272),
    "pingpong_faults": ("adea217b27b920d8b3754793af8070b22678794e0e7dbb4597aaebfadf14aa64", 1522),
    "gossip": ("eae95827b831137406fc5a782c21e4c7aa48f6bc5359c071a3e4bf287b18f2e2", 396),
}
CASES: dict[str, dict[str, Any]] = {
    "pingpong": make(),
    "pingpong_faults": make(
        count=20,
        seed=3,
        network={"latency": 2, "jitter": 1},
        failures={
            "message_drop": 0.1,
            "byzantine_agents": 0.1,
            "network_partition": {
                "groups": [["ping-0", "ping-1"], ["pong-0", "pong-1"]],
                "heal_at": 50,
            },
        },
    ),
    "gossip": make("gossip", count=50),
}


# Roots of the built-in scenarios' traces before the import and formatting work of issue 15
# (every task, the signed-gossip layers, the sealed private_commerce layers, failures).
PINNED_BUILTIN = {
    "marketplace": (
        "aa3577915cdc1fd34a8be93b608411a6f547c74831a8947fdc086684c53033ab",
        5644,
    ),
    "auction": (
        "1cdb3057e86253b48fea96100e34d65626074745d5d3c3718a8956d982d7e93f",
        917,
    ),
    "consensus": (
        "9e9105e1b1ca8c9792d90015dc87bf54b146efca6903978bf6e9e0fa027ba8d6",
        1553,
    ),
    "reputation": (
        "16bc364731ed3e1fb662c650688f3c8b3d46118fb73a1acbad2dd4b59de401de",
        2228,
    ),
    "supply_chain": (
        "0846d90196ffda8021195c6be246c72e701f21c01ccf54f59f910305e4d8b3c9",
        807,
    ),
    "voting": (
        "41d9621fd79df659212e2b4c93ce67ef36f1118cfd24581e06599e3f5001c4d9",
        558,
    ),
    "private_commerce": (
        "2e5963fa004084669faf1ceed101838c3844e7d875b2a5d51b60775306f4c93b",
        1910,
    ),
    "gossip_signed": (
        "123b63d9dcf4336b43c7b7041ba8e9cec28abe75a2faf1dbd33c87a6f5fec806",
        3202,
    ),
    "pingpong_faults": (
        "b8e52ce5efa4368efa60133d889907da8d6dfe21d4e6be7d6bccf3cc31d0de86",
        3419,
    ),
}


def _canonical(line: str) -> str:
    return json.dumps(json.loads(line), separators=(",", ":"))


@pytest.mark.parametrize("name", sorted(PINNED))
def test_roots_are_pinned(name: str) -> None:
    result = engine.run(scenario.validate(CASES[name]), None)
    assert result.root is not None
    assert (result.root.hex(), result.trace_lines) == PINNED[name]


@pytest.mark.parametrize("name", sorted(PINNED_BUILTIN))
def test_builtin_roots_are_pinned(name: str) -> None:
    result = engine.run(scenario.load(name), None)
    assert result.root is not None
    assert (result.root.hex(), result.trace_lines) == PINNED_BUILTIN[name]


_VALUES = (
    st.text(max_size=20)
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.binary(max_size=8)
    | st.lists(st.integers(), max_size=3)
)


@given(st.dictionaries(st.text(max_size=12), _VALUES, max_size=6))
@settings(max_examples=150, deadline=None)
def test_event_fields_are_what_json_dumps_writes(fields: dict[str, Any]) -> None:
    expected = json.dumps(fields, separators=(",", ":"), default=engine._jsonable)
    got = engine._fields_json(fields)
    assert got == ("," + expected[1:-1] if fields else "")


@pytest.mark.parametrize("name", sorted(PINNED))
def test_every_line_is_what_json_dumps_writes(name: str, tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    engine.run(scenario.validate(CASES[name]), path)
    lines = path.read_text().splitlines()
    assert len(lines) == PINNED[name][1]
    for line in lines:
        assert _canonical(line) == line


@given(st.lists(st.binary(max_size=80) | st.text(max_size=40).map(str.encode), max_size=12))
@settings(max_examples=80, deadline=None)
def test_send_and_timer_lines_match_json_dumps(payloads: list[bytes]) -> None:
    writer = TraceWriter(None)
    sim = engine.Simulation(scenario.validate(make(count=2)), writer)
    for i, payload in enumerate(payloads * 2):  # the second pass hits the caches
        sim.send(0, "pong-0", payload)
        try:
            msg: dict[str, str] = {"msg": payload.decode()}
        except UnicodeDecodeError:
            msg = {"msg_hex": payload.hex()}
        expected = {
            "t": 0,
            "kind": "send",
            "agent": "ping-0",
            "to": "pong-0",
            "id": i + 1,
            "size": len(payload),
            **msg,
        }
        assert writer.buf[-1] == json.dumps(expected, separators=(",", ":"))
        timer = f'{{"t":0,"kind":"timer","agent":"ping-0",{sim._msg_field(payload)}}}'
        assert json.loads(timer) == {"t": 0, "kind": "timer", "agent": "ping-0", **msg}
        assert _canonical(timer) == timer


@given(st.lists(st.text(max_size=30), max_size=40))
@settings(max_examples=80, deadline=None)
def test_leaf_hashes_match_the_joined_blob(lines: list[str]) -> None:
    if not lines:
        return
    blob = "\n".join(lines).encode()
    pieces = blob.split(b"\n")
    assert _leaf_hashes(blob) == [hashlib.sha256(b"\x00" + p).digest() for p in pieces]


@given(st.lists(st.text(max_size=30).filter(lambda s: "\n" not in s), max_size=60))
@settings(max_examples=40, deadline=None)
def test_writer_root_is_rfc9162_over_the_lines(lines: list[str]) -> None:
    writer = TraceWriter(None)
    for line in lines:
        writer.line(line)
    assert writer.close() == merkle_root([line.encode() for line in lines])


def _native_leaves() -> Callable[[bytes], list[bytes]]:
    library, why = native.load()
    if library is None:
        pytest.skip(f"native library: {why}")
    leaves = native.leaf_hash_blob(library)
    assert leaves is not None, "libnets_engine.so predates nets_leaf_hashes: make setup"

    def split(blob: bytes) -> list[bytes]:
        raw = bytes(leaves(blob, blob.count(b"\n") + 1))
        return [raw[i : i + 32] for i in range(0, len(raw), 32)]

    return split


@given(st.lists(st.binary(max_size=150).map(lambda b: b.replace(b"\n", b"")), max_size=40))
@settings(max_examples=100, deadline=None)
def test_native_leaf_hashes_match_hashlib(lines: list[bytes]) -> None:
    blob = b"\n".join(lines)
    assert _native_leaves()(blob) == _leaf_hashes(blob)


def test_native_leaf_hashes_recount_a_wrong_line_count() -> None:
    library, why = native.load()
    if library is None:
        pytest.skip(f"native library: {why}")
    leaves = native.leaf_hash_blob(library)
    assert leaves is not None
    blob = b"a\nb\nc"
    assert bytes(leaves(blob, 1)) == b"".join(_leaf_hashes(blob))


def test_native_and_python_block_hashing_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    _native_leaves()
    blob = b"\n".join(b'{"t":%d,"kind":"x"}' % i for i in range(3 * BLOCK + 5))
    native_hasher = BlockHasher()
    native_hasher.feed(blob)
    monkeypatch.setattr(
        trace_module,
        "_block_hashing",
        lambda: (trace_module._python_leaves, trace_module._python_fold),
    )
    python_hasher = BlockHasher()
    python_hasher.feed(blob)
    assert native_hasher.finish() == python_hasher.finish()


@given(
    st.integers(min_value=0, max_value=3 * BLOCK + 300),
    st.lists(st.integers(min_value=1, max_value=BLOCK + 7), min_size=1, max_size=6),
)
@settings(max_examples=25, deadline=None)
def test_block_hasher_root_over_any_feeds(total: int, cuts: list[int]) -> None:
    """However the lines arrive (flushes of any size, across block edges, with or without
    their count), the root is the textbook RFC 9162 root over them."""
    lines = [b'{"t":%d}' % i for i in range(total)]
    hasher = BlockHasher()
    at, k = 0, 0
    while at < total:
        size = cuts[k % len(cuts)]
        chunk = lines[at : at + size]
        hasher.feed(b"\n".join(chunk), len(chunk) if k % 2 else None)
        at, k = at + size, k + 1
    leaves = [hashlib.sha256(b"\x00" + line).digest() for line in lines]
    assert hasher.finish() == (root_from_leaf_hashes(leaves), total)


@pytest.mark.parametrize("extensions", [True, False], ids=["sha-extensions", "portable"])
def test_native_leaf_pairs_at_every_block_boundary(extensions: bool) -> None:
    """Leaves are hashed two at a time, the shorter line's blocks done first: every pair of
    lengths across the padding edges (55/56 and 119/120 bytes after the prefix) and across the
    edge of the lines padded whole (246/247: four blocks, longer ones go block by block)
    agrees with hashlib, with the SHA extensions and without."""
    library, why = native.load()
    if library is None:
        pytest.skip(f"native library: {why}")
    lengths = [*range(0, 140), *range(180, 200), *range(240, 256), 310, 511]
    lines = [bytes((i * 31 + n) % 255 + 1 for i in range(n)).replace(b"\n", b"x") for n in lengths]
    lines += lines[::-1][1:]  # every length meets a longer and a shorter partner
    blob = b"\n".join(lines)
    native.use_sha_extensions(library, extensions)
    try:
        assert _native_leaves()(blob) == _leaf_hashes(blob)
    finally:
        native.use_sha_extensions(library, True)


NANDA_MARKETPLACE = Path(__file__).parents[1] / "sim_nanda" / "files" / "marketplace.yaml"
# Roots of the Nanda-schema marketplace (catalog_size) before the CPU work of issue 15: the
# fixture as written, and at the shipped file's size (100 agents, 200 items, 10 rounds),
# whose 11,024 lines fill a block and leave a partial one.
PINNED_NANDA = {
    (): ("9fedaa642b7f713c2c9910cf5f842630d7ccc515d16292f87d7877fe8d68ad04", 1496),
    (
        "agents.count=100",
        "agents.roles.0.count=50",
        "agents.roles.1.count=50",
        "task.config.catalog_size=200",
        "task.config.rounds=10",
    ): ("b120974b378e465c344f4396f3238ae08856c049931ec56d849439fd5e709d44", 11024),
}


@pytest.mark.parametrize("overrides", sorted(PINNED_NANDA), ids=["fixture", "shipped-size"])
def test_nanda_marketplace_roots_are_pinned(overrides: tuple[str, ...]) -> None:
    result = engine.run(scenario.load(str(NANDA_MARKETPLACE), overrides=overrides), None)
    assert result.root is not None
    assert (result.root.hex(), result.trace_lines) == PINNED_NANDA[overrides]
