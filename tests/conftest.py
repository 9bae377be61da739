"""Shared fixtures: a real anvil devnet on a free loopback port, always stopped afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.anvil import Anvil


@pytest.fixture(scope="session")
def anvil() -> Iterator[Anvil]:
    """One anvil for the whole session (tests must not depend on each other's state)."""
    node = Anvil().start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def fresh_anvil() -> Iterator[Anvil]:
    """A private anvil for tests that change time or kill the node."""
    node = Anvil().start()
    try:
        yield node
    finally:
        node.stop()
