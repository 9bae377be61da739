"""A role step's chain reads, each made once per step.

One step of a following role reads the same views several times: a round's info for its seed,
its claims, its settlement and the window watch; a claim's commit for settlement and the
watch; the chain's clock in every dispute. On a devnet each read is an RPC round trip that
costs the node and the chain a millisecond of CPU or more, every step, in every role. Inside a
step the first read of a view (a name and its arguments) is kept and later reads reuse it.

The scope is one step and one step only: outside ``step`` every read goes to the chain, and
any call that is not a listed view (a transaction, a time jump, a snapshot) drops what was
kept, so a role never decides on a view older than its own last write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

VIEWS = frozenset(
    {
        "agent",
        "agent_code",
        "balance_of",
        "block_number",
        "block_time",
        "claim_commit",
        "counts",
        "dispute",
        "eth_balance",
        "first_open_dispute",
        "held_reward",
        "is_disqualified",
        "is_held",
        "league",
        "match_seed",
        "midpoint",
        "round",
        "unstake_delay",
    }
)
"""The adapter's pure reads (`adapters.base.ArenaAdapter`): a result depends only on the
arguments and the chain's state. Every other method may change that state."""


class StepViews:
    """Stands in for an adapter: forwards everything, and within a ``step()`` scope answers a
    repeated view from the first answer until the next non-view call."""

    def __init__(self, adapter: Any) -> None:
        self._adapter = adapter
        self._kept: dict[tuple[Any, ...], Any] | None = None
        self.reads = 0
        """Views that reached the adapter (what the step tests count)."""

    @contextmanager
    def step(self) -> Iterator[None]:
        self._kept = {}
        try:
            yield
        finally:
            self._kept = None

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._adapter, name)
        if not callable(target):
            return target
        if name in VIEWS:
            return lambda *args: self._view(name, target, args)
        return lambda *args, **kwargs: self._change(target, args, kwargs)

    def _view(self, name: str, read: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        kept = self._kept
        if kept is None:
            self.reads += 1
            return read(*args)
        key = (name, *args)
        if key not in kept:
            self.reads += 1
            kept[key] = read(*args)
        return kept[key]

    def _change(
        self, call: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        try:
            return call(*args, **kwargs)
        finally:
            if self._kept is not None:
                self._kept.clear()
