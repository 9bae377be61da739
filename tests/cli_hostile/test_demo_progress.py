"""`nets demo` reports each phase on stderr while it runs and prints whole addresses on
request; with --json both streams stay JSON-only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.keys import anvil_account
from tests.cli_hostile.conftest import Nets

pytestmark = pytest.mark.slow  # two whole demo rounds


def test_progress_and_full_addresses(nets: Nets, workdir: Path) -> None:
    shown = nets("demo", "-o", str(workdir / "a"), "--full-addresses")
    assert shown.code == 0, shown.stderr
    phases = [line for line in shown.stderr.splitlines() if line.startswith("demo: ")]
    assert phases[0] == "demo: loading the demo league and its entrants"
    assert any(p.startswith("demo: playing, claiming, verifying") for p in phases)
    assert phases[-1].startswith("demo: writing the traces to ")
    listed = [a for i in range(10) if (a := anvil_account(i).address) in shown.stdout]
    assert len(listed) >= 5  # the entrants and the verifier, whole

    quiet = nets("demo", "-o", str(workdir / "b"), "--json")
    assert quiet.code == 0, quiet.stderr
    assert quiet.stderr == ""
    assert json.loads(quiet.stdout)["traceDir"]
    plain = nets("demo", "-o", str(workdir / "c"))
    addresses = [a for i in range(10) if (a := anvil_account(i).address) in plain.stdout]
    assert addresses == []  # by default only the first 12 characters
