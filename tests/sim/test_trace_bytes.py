"""The fast trace paths write exactly the bytes json.dumps would, and the roots stay pinned.

The engine formats its lines with cached heads and tails instead of json.dumps, and the writer
hashes leaves through C-level maps: both are speed-only, so the trace of a seed must not move.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.merkle import merkle_root
from node.sim import engine, scenario
from node.sim.trace import TraceWriter, _leaf_hashes
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


def _canonical(line: str) -> str:
    return json.dumps(json.loads(line), separators=(",", ":"))


@pytest.mark.parametrize("name", sorted(PINNED))
def test_roots_are_pinned(name: str) -> None:
    result = engine.run(scenario.validate(CASES[name]), None)
    assert result.root is not None
    assert (result.root.hex(), result.trace_lines) == PINNED[name]


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
