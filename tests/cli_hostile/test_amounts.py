"""Wei amounts longer than 28 digits are exact, not rounded by the default decimal context."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_hostile.conftest import REPO, Nets

EXACT = 1234567890123456789012345678901


def test_a_long_min_stake_is_kept_exact(nets: Nets, workdir: Path) -> None:
    text = (REPO / "scenarios" / "leagues" / "snake.yaml").read_text()
    league = workdir / "exact.yaml"
    league.write_text(text.replace("minStake: 0.1 ether", f"minStake: {EXACT} wei"))
    outcome = nets("league", "show", str(league), "--json")
    assert outcome.code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["minStake"] == EXACT


def test_a_stake_of_2_to_the_256_wei_is_refused_not_rounded(nets: Nets) -> None:
    nets("agent", "withdraw", "--amount", str(2**256)).refused(
        "--amount: must be at most 2**256-1 wei"
    )
