"""The cross-adapter check: every scenario above left the same transcript on both adapters.

Runs after the scenario modules (file order) and compares, per scenario, the events (block,
log index, contract address, name, args; deadlines relative to their block's timestamp), the
block height, the Arena's balances and records, and the wei the Arena holds.
"""

from __future__ import annotations

import pytest

from tests.conformance.harness import TRANSCRIPTS

pytestmark = pytest.mark.anvil


def test_every_scenario_left_identical_transcripts() -> None:
    pairs = {name: runs for name, runs in TRANSCRIPTS.items() if len(runs) == 2}
    if not pairs:
        pytest.skip("no scenario ran on both adapters in this session")
    for name, runs in sorted(pairs.items()):
        memory, anvil = runs["memory"], runs["anvil"]
        for key in memory:
            assert memory[key] == anvil[key], f"{name}: {key} differs"
    assert len(pairs) >= 10
