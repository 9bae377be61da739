"""The event cursor: ordering, JSON round trip, resume position."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.events import ChainEvent, EventCursor

cursors = st.builds(
    EventCursor,
    st.integers(0, 2**63),
    st.integers(0, 2**31),
    st.none() | st.binary(min_size=32, max_size=32),
)


@given(cursors)
def test_cursor_json_round_trip(cursor: EventCursor) -> None:
    again = EventCursor.from_json(cursor.to_json())
    assert again == cursor
    assert again.anchor_hash == cursor.anchor_hash


@given(cursors, cursors)
def test_cursor_order_is_chain_order_and_ignores_the_anchor(a: EventCursor, b: EventCursor) -> None:
    assert (a < b) == ((a.block, a.log_index) < (b.block, b.log_index))


def test_next_cursor_is_just_after_the_event_and_anchored_on_its_block() -> None:
    event = ChainEvent("Bumped", {}, "0x" + "00" * 20, 7, 3, b"\x01" * 32, b"\x02" * 32)
    after = event.next_cursor
    assert after == EventCursor(7, 4)
    assert after > EventCursor(7, 3)
    assert after.anchor_block == 7
    assert after.anchor_hash == b"\x02" * 32
    assert EventCursor(8, 0).anchor_block == 7
