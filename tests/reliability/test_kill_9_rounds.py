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

WINDOWS = 60
"""League windows (s): a role restarted under load (up to ~35 s at load 16 on 2 cores) still
makes its move; with 40 s windows a role killed twice may miss one and lose its dispute. A
role is killed again only once it has acted since its restart, so one move window holds at
most one of its restarts. The play, the claims and the disputes take the first ~15 s of a round
(the rest is the windows running out). 90 s windows cost a minute more of wall time per round
(2026-12-03: 8 kills on memory:FILE converged with 60 s windows in 136 s at load 3)."""


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
