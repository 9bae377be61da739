"""The outbox: intents recorded before sending, one per key, and their life cycle."""

from __future__ import annotations

import pytest

from node.db import IntentError, Outbox, intent_key
from node.db.engine import Database


def test_life_cycle(db: Database) -> None:
    outbox = Outbox(db, 31337)
    first = outbox.record_intent("submit", [12, 3], {"claim_root": "0x01", "scores": [1, 2]})
    assert (first.key, first.status, first.attempts) == ("submit:12:3", "pending", 0)
    again = outbox.record_intent("submit", [12, 3], {"scores": [1, 2], "claim_root": "0x01"})
    assert again == first
    outbox.record_intent("stake", [3])
    assert [i.key for i in outbox.pending_intents()] == ["submit:12:3", "stake:3"]
    assert [i.key for i in outbox.pending_intents("stake")] == ["stake:3"]

    sent = outbox.mark_sent("submit:12:3", b"\xaa" * 32)
    assert (sent.status, sent.tx_hash, sent.attempts) == ("sent", b"\xaa" * 32, 1)
    assert outbox.mark_sent("submit:12:3", b"\xbb" * 32).attempts == 2
    done = outbox.mark_done("submit:12:3", {"claim_id": (12 << 64) | 3})
    assert (done.status, done.result) == ("done", {"claim_id": (12 << 64) | 3})
    assert [i.key for i in outbox.pending_intents()] == ["stake:3"]
    assert outbox.record_intent("submit", [12, 3], {"claim_root": "0x01", "scores": [1, 2]}) == done

    with pytest.raises(IntentError, match="already done"):
        outbox.mark_sent("submit:12:3", b"\x00" * 32)
    with pytest.raises(IntentError, match="another payload"):
        outbox.record_intent("submit", [12, 3], {"claim_root": "0x02"})
    with pytest.raises(IntentError, match="no intent"):
        outbox.mark_done("submit:99:1")

    failed = outbox.mark_failed("stake:3", "NotAgentOwner")
    assert (failed.status, failed.result) == ("failed", {"error": "NotAgentOwner"})
    assert outbox.pending_intents() == []
    assert outbox.retry("stake:3").status == "pending"
    with pytest.raises(IntentError, match="not failed"):
        outbox.retry("stake:3")


def test_keys_are_per_chain(db: Database) -> None:
    Outbox(db, 1).record_intent("settle", [5])
    assert Outbox(db, 2).pending_intents() == []
    Outbox(db, 2).record_intent("settle", [5])
    assert len(Outbox(db, 1).all_intents()) == 1


@pytest.mark.parametrize(
    ("kind", "parts"),
    [("bogus", [1]), ("submit", ["a:b"]), ("submit", [True]), ("submit", [1.5])],
)
def test_bad_keys(kind: str, parts: list[object]) -> None:
    with pytest.raises(IntentError):
        intent_key(kind, *parts)  # type: ignore[arg-type]


def test_dispute_move_keys() -> None:
    assert intent_key("move", 7, 3, "reveal_midpoint") == "move:7:3:reveal_midpoint"
    assert intent_key("challenge", 12, 3, 0) == "challenge:12:3:0"
