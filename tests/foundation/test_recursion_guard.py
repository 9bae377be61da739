"""Importing eth-account (and with it py_ecc) leaves the recursion limit as it was, so deep
hostile JSON or YAML is a RecursionError with a one-line refusal, never a SIGSEGV."""

from __future__ import annotations

from pathlib import Path

from tests.fresh import run_python

PROBE = """
import json, sys
import node
limit = sys.getrecursionlimit()
import web3, eth_account
from eth_account import Account
Account.from_key("0x" + "11" * 32)
assert sys.getrecursionlimit() == limit, sys.getrecursionlimit()
try:
    json.loads("[" * 1_000_000)
except RecursionError:
    print("refused")
"""


def test_eth_account_keeps_the_recursion_limit_and_deep_json_is_an_error() -> None:
    done = run_python(PROBE, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    assert done.stdout.strip() == "refused"


def test_a_deep_trace_line_is_refused_by_the_cli_after_a_signature(tmp_path: Path) -> None:
    """`nets sim verify` of a trace whose line nests a million levels, in a process that has
    imported eth-account first (as a node that signs has): exit 2 with one line."""
    trace = tmp_path / "deep.jsonl"
    trace.write_text("[" * 1_000_000 + "\n")
    probe = (
        "import sys, adapters.keys as k; k.anvil_account(0).account; "
        "from node.cli import main; main(sys.argv[1:], prog_name='nets')"
    )
    done = run_python(probe, "sim", "verify", str(trace), timeout=120)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
