"""kill -9 at random moments of live rounds (scripts/devnet.py --kills): every party its own
process (two honest owners, a cheating owner, an honest and a lying verifier), a random one
killed right after it sent something and restarted, several times per round, on memory:FILE,
memory:db and anvil: 22 kills in all. Every round must end as the uninterrupted one does
(tests/e2e/test_devnet.py): the same balances, stakes, verdicts and pool, no wei lost, and
each event the outcome rests on exactly as often (an action sent twice would show)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_devnet import check_end_state, devnet

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.timeout(1200)]

WINDOWS = 90
"""League windows (s): a role restarted under load (up to ~35 s at load 16 on 2 cores) still
makes its move; with 40 s windows a role killed twice may miss one and lose its dispute."""


@pytest.mark.parametrize(
    ("chain", "kills"),
    [
        ("memory", 8),
        ("memory-db", 7),
        pytest.param("anvil", 7, marks=pytest.mark.anvil),
    ],
)
def test_a_round_converges_through_kill_9s(tmp_path: Path, chain: str, kills: int) -> None:
    report = devnet(tmp_path, chain, "random", kills, WINDOWS)
    assert len(report["killed"]) == kills, report
    check_end_state(report)
