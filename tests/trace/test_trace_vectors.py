"""The worked example of docs/protocol/trace.md, byte for byte (the Solidity side's vectors)."""

from __future__ import annotations

from node.trace import (
    MatchSummary,
    StepEntry,
    claim_root,
    keccak256,
    match_seed,
    prove_leaf,
    root_of_leaves,
)

ENTRY_3 = (
    "00000003850a44f3ec7ec5bdd2c73c2d201b1d2e116745148e601f0a7ee256f3352222d5"
    "000000000000000002cb023f17c6c151428a83e388ec4de34e239b102d8cb4b01068f4cdc2ed6b83b6"
)
ENTRY_4 = (
    "00000004cb023f17c6c151428a83e388ec4de34e239b102d8cb4b01068f4cdc2ed6b83b6"
    "02000000000000000009a55d48671f318cce705cb638a0cb4c3e35fefbe1b47eab536f4c8875a3d6c0"
)
TRACE_ROOT = "68b77f511b7e38958abe799b2fd9a449e897d95906607eb84221b1d441904025"
SEED = "73c7e0a483f58d2dedff77da751ca69b6e1c4029645c510f90e070f1c2a98b00"
SUMMARY = "00000000" + SEED + TRACE_ROOT + "00000002" + "ff" * 8
CLAIM_ROOT = "8f059f75a79d391b8bfc3e2955e899399ddd79af1ec90707f05b04f473b896a7"


def test_worked_example() -> None:
    pre, post, gone = keccak256(b"pre"), keccak256(b"post"), keccak256(b"forfeit")
    first = StepEntry(3, pre, 0, 2, post).encode()
    second = StepEntry(4, post, 2, 0, gone).encode()
    assert (first.hex(), second.hex()) == (ENTRY_3, ENTRY_4)
    root = root_of_leaves([first, second])
    assert root.hex() == TRACE_ROOT
    proof = prove_leaf([first, second], 1)
    assert proof.proof == ["0xc3377b9b36a10244b60c681ef9e0fcbe503bc2527719ec7d1fa68369b17454e1"]
    assert proof.verify()
    seed = match_seed(b"\x00" * 31 + b"\x01", 7, 0)
    assert seed.hex() == SEED
    summary = MatchSummary(0, seed, root, 2, -1)
    assert summary.encode().hex() == SUMMARY
    assert claim_root([summary]).hex() == CLAIM_ROOT
