"""Within one role step a view of the chain is read once; any write, and the step's end,
drop what was kept (node/roles/views.py)."""

from __future__ import annotations

from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.base import ArenaAdapter
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from node.roles.views import VIEWS, StepViews
from tests.roles.agents import GREEDY


def test_a_repeated_view_in_a_step_reaches_the_chain_once() -> None:
    views = StepViews(MemoryChain())
    chain = cast(ArenaAdapter, views)
    with views.step():
        first = chain.block_number()
        assert [chain.block_number(), chain.block_number()] == [first, first]
        assert views.reads == 1
        chain.mine(3)  # a change: the next read goes to the chain, and sees it
        assert chain.block_number() == first + 3
        assert views.reads == 2
    chain.block_number()
    chain.block_number()  # outside a step nothing is kept
    assert views.reads == 4


def test_a_view_after_the_roles_own_transaction_sees_it() -> None:
    views = StepViews(MemoryChain().with_signer(anvil_account(1)))
    chain = cast(ArenaAdapter, views)
    with views.step():
        agent = chain.register_agent(GREEDY)
        assert chain.agent(agent).stake == 0
        chain.stake(agent, 1000)
        assert chain.agent(agent).stake == 1000


def test_every_kept_name_is_a_view_of_the_adapter() -> None:
    assert all(callable(getattr(MemoryChain, name)) for name in VIEWS)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["read", "mine", "time"]), max_size=12))
def test_a_step_reads_what_the_chain_holds(ops: list[str]) -> None:
    """Any mix of reads and changes in one step: each read equals the chain's own answer."""
    raw = MemoryChain()
    views = StepViews(raw)
    chain = cast(ArenaAdapter, views)
    with views.step():
        for op in ops:
            if op == "mine":
                chain.mine(1)
            elif op == "time":
                chain.increase_time(7)
            assert (chain.block_number(), chain.block_time()) == (
                raw.block_number(),
                raw.block_time(),
            )
