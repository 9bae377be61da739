"""The outbox: intents recorded before sending, one per key, and their life cycle."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.db import Intent, IntentError, Outbox, intent_key, open_database
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


OPS = st.lists(
    st.tuples(
        st.sampled_from(["record", "sent", "done", "failed", "retry"]),
        st.sampled_from(["submit", "settle"]),
        st.integers(0, 2),
        st.integers(0, 1),
    ),
    max_size=25,
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(OPS)
def test_outbox_matches_a_model(ops: list[tuple[str, str, int, int]]) -> None:
    """Any sequence of outbox calls does what a dict of (payload, status) says it does."""
    outbox = Outbox(open_database("sqlite://"), 1)
    model: dict[str, tuple[int, str]] = {}
    order: list[str] = []
    for op, kind, part, payload in ops:
        key = intent_key(kind, part)
        known = model.get(key)
        if op == "record":
            if known is not None and known[0] != payload:
                with pytest.raises(IntentError):
                    outbox.record_intent(kind, [part], {"p": payload})
                continue
            intent = outbox.record_intent(kind, [part], {"p": payload})
            if known is None:
                model[key] = (payload, "pending")
                order.append(key)
            assert intent.status == model[key][1]
            continue
        allowed = (
            known is not None and known[1] == "failed"
            if op == "retry"
            else known is not None and known[1] in ("pending", "sent")
        )

        def call(op: str = op, key: str = key, part: int = part) -> Intent:
            if op == "sent":
                return outbox.mark_sent(key, b"\x01" * 32)
            if op == "done":
                return outbox.mark_done(key, part)
            if op == "failed":
                return outbox.mark_failed(key, "Nope")
            return outbox.retry(key)

        if not allowed:
            with pytest.raises(IntentError):
                call()
            continue
        assert known is not None
        status = {"sent": "sent", "done": "done", "failed": "failed", "retry": "pending"}[op]
        assert call().status == status
        model[key] = (known[0], status)
    expected = [key for key in order if model[key][1] in ("pending", "sent")]
    assert [intent.key for intent in outbox.pending_intents()] == expected
    outbox.db.close()
