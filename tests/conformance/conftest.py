"""Fixtures of the conformance suite, on the nets pytest plugin (node/testing): ``chain`` is
``nets_chain``'s adapter, so every test runs on each adapter the ``nets_chain`` ini value or
``--nets-chain`` names (this project: memory and anvil), anvil being the session's, reverted
to its snapshot after every test.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.base import ArenaAdapter
from adapters.events import EventCursor
from node.testing.chains import NetsChain
from tests.conformance.harness import TRANSCRIPTS, transcript


@pytest.fixture
def chain(nets_chain: NetsChain) -> ArenaAdapter:
    return nets_chain.adapter


@pytest.fixture
def start(chain: ArenaAdapter) -> EventCursor:
    return EventCursor(chain.block_number() + 1, 0)


@pytest.fixture
def record(
    request: pytest.FixtureRequest, nets_chain: NetsChain, chain: ArenaAdapter, start: EventCursor
) -> Any:
    """Call at the end of a test: stores the transcript for the cross-adapter comparison."""

    def save() -> dict[str, Any]:
        params = {k: v for k, v in request.node.callspec.params.items() if k != "nets_chain"}
        name = f"{request.node.originalname}{sorted(params.items())}"
        result = transcript(chain, start)
        TRANSCRIPTS.setdefault(name, {})[nets_chain.kind] = result
        return result

    return save
