"""Fixtures of the conformance suite: a fresh adapter of each kind per test.

anvil: the session's arena_anvil (tests/conftest.py), reverted to its snapshot after every
test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.base import ArenaAdapter
from adapters.events import EventCursor
from adapters.memory import MemoryChain
from tests.conformance.harness import TRANSCRIPTS, DeployedAnvil, transcript


@pytest.fixture(params=["memory", pytest.param("anvil", marks=pytest.mark.anvil)])
def chain(request: pytest.FixtureRequest) -> Iterator[ArenaAdapter]:
    if request.param == "memory":
        yield MemoryChain()
        return
    deployed: DeployedAnvil = request.getfixturevalue("arena_anvil")
    try:
        yield deployed.chain
    finally:
        deployed.reset()


@pytest.fixture
def start(chain: ArenaAdapter) -> EventCursor:
    return EventCursor(chain.block_number() + 1, 0)


@pytest.fixture
def record(request: pytest.FixtureRequest, chain: ArenaAdapter, start: EventCursor) -> Any:
    """Call at the end of a test: stores the transcript for the cross-adapter comparison."""

    def save() -> dict[str, Any]:
        params = {k: v for k, v in request.node.callspec.params.items() if k != "chain"}
        name = f"{request.node.originalname}{sorted(params.items())}"
        kind = "memory" if isinstance(chain, MemoryChain) else "anvil"
        result = transcript(chain, start)
        TRANSCRIPTS.setdefault(name, {})[kind] = result
        return result

    return save
