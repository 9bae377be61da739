"""End to end on a live devnet: `nets chain up` (or a memory:FILE chain), then every party as
its own OS process (three owners, one cheating; an honest verifier; a lying verifier) with no
one mining or advancing by hand. The round must open, play, claim, dispute and settle by the
processes alone, with exact balances (scripts/devnet.py runs the round; `make devnet` is the
same script). tests/reliability/test_kill_9_rounds.py plays the same round through 22 kill -9s
on three chains and checks the same end state (`check_end_state`)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.arena_ops import Reason, Verdict

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.timeout(1200)]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "devnet.py"
STAKE, BOND, SLASH, POOL = 1_000_000, 100_000, 500_000, 100_000_000
FIRST, SECOND = 3_000_000, 2_000_000


def devnet(
    tmp_path: Path, chain: str, kill: str | None, kills: int = 1, windows: int | None = None
) -> dict[str, Any]:
    """scripts/devnet.py's report; a failing run names its seed (NETS_DEVNET_SEED repeats it)."""
    args = [sys.executable, str(SCRIPT), "--chain", chain, "--workdir", str(tmp_path), "--json"]
    seed = int(os.environ.get("NETS_DEVNET_SEED", random.randrange(2**32)))
    if kill is not None:
        args += ["--kill", kill, "--kills", str(kills), "--seed", str(seed)]
    if windows is not None:
        args += ["--windows", str(windows)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=1100, check=False)
    assert done.stdout.strip(), f"seed {seed}: {done.stderr[-3000:]}"
    return {**json.loads(done.stdout), "seed": seed}


def check_end_state(report: dict[str, Any]) -> None:
    # who convicted whom: the honest verifier the cheater, the liar nobody; a dishonest side
    # killed -9 may lose by missing its move window instead of by the one-step proof
    killed = {kill["role"] for kill in report.get("killed", [])}
    disputes = sorted((d["challenger"], d["claimant"], d["verdict"], _why(d, killed))
                      for d in report["disputes"])  # fmt: skip
    assert disputes == sorted([
        ("verifier", "cheater", Verdict.CLAIMANT_LOST, Reason.STEP_MISMATCH),
        ("liar", "greedy", Verdict.CHALLENGER_LOST, Reason.STEP_VALID),
        ("liar", "guest", Verdict.CHALLENGER_LOST, Reason.STEP_VALID),
    ]), report  # fmt: skip
    # the honest claims ranked by posted total (ties: lower agent id), paid from the pool
    totals, agents = report["totals"], report["agents"]
    first, second = sorted(("greedy", "guest"), key=lambda r: (-totals[r], agents[r]))
    assert report["balances"] == {
        "operator": 0,
        first: FIRST + BOND,  # reward + the liar's bond
        second: SECOND + BOND,
        "cheater": 0,  # slashed, claim voided, nothing earned
        "verifier": BOND + SLASH // 2,  # its bond back and half the slash
        "liar": 0,  # both bonds lost
    }, report
    assert report["stakes"] == {"greedy": STAKE, "guest": STAKE, "cheater": STAKE - SLASH}
    assert report["disqualified"] == {"greedy": False, "guest": False, "cheater": True}
    assert report["pool"] == POOL + SLASH // 2 - FIRST - SECOND
    assert report["arena_wei"] == report["owed_wei"]  # 0 wei lost
    # nothing sent twice: each event the outcome rests on as often as in any round
    promised = report["expected"]["events"]
    assert {name: report["events"].get(name, 0) for name in promised} == promised, report
    assert report["exited"] == {}, report  # no role crashed on its own
    assert report["ok"] is True


def _why(dispute: dict[str, Any], killed: set[str]) -> int:
    """The dispute's reason, a dishonest loser's timeout counted as the proof it ran from."""
    timeouts: dict[tuple[str, int], int] = {
        ("cheater", Reason.CLAIMANT_TIMEOUT): Reason.STEP_MISMATCH,
        ("liar", Reason.CHALLENGER_TIMEOUT): Reason.STEP_VALID,
    }
    loser = dispute["claimant" if dispute["verdict"] == Verdict.CLAIMANT_LOST else "challenger"]
    if loser in killed:
        return timeouts.get((loser, dispute["reason"]), int(dispute["reason"]))
    return int(dispute["reason"])


@pytest.mark.anvil
def test_a_live_round_on_a_devnet(tmp_path: Path) -> None:
    check_end_state(devnet(tmp_path, "anvil", None))


def test_a_live_round_on_a_memory_file(tmp_path: Path) -> None:
    check_end_state(devnet(tmp_path, "memory", None))
