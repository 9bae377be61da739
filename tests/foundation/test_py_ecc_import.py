"""How py_ecc is imported (adapters/py_ecc_import.py): importing eth-account leaves the
recursion limit as it was, so deep hostile JSON or YAML is a RecursionError with a one-line
refusal, never a SIGSEGV; and py_ecc's BLS pairing tables are computed only when a version-4
keystore needs them, which still works."""

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

PAIRING = (
    "py_ecc.optimized_bls12_381.optimized_pairing",
    "py_ecc.bls12_381.bls12_381_pairing",
    "py_ecc.bls.constants",
)

DEFERRED = f"""
import sys
import node
limit = sys.getrecursionlimit()
import web3, eth_account
from eth_account import Account
account = Account.create()
keyfile = Account.encrypt(account.key, "pw", kdf="pbkdf2", iterations=2)
assert Account.decrypt(keyfile, "pw") == account.key
print(sorted(m for m in {PAIRING!r} if m in sys.modules))
from eth_keyfile import create_keyfile_json, decode_keyfile_json
from eth_keyfile.keyfile import MAX_V4_PRIVATE_KEY
key = (12345).to_bytes(32, "big")
v4 = create_keyfile_json(key, b"pw", version=4, kdf="pbkdf2", iterations=2)
assert decode_keyfile_json(v4, b"pw") == key
print(sorted(m for m in {PAIRING!r} if m in sys.modules))
from py_ecc.bls import G2ProofOfPossession
from py_ecc.bls12_381 import curve_order, pairing
print(sorted(m for m in {PAIRING!r} if m in sys.modules))
assert callable(pairing)
assert v4["pubkey"] == G2ProofOfPossession.SkToPk(12345).hex(), v4["pubkey"]
assert MAX_V4_PRIVATE_KEY == curve_order - 1
assert sys.getrecursionlimit() == limit, sys.getrecursionlimit()
print("ok")
"""


def test_eth_account_keeps_the_recursion_limit_and_deep_json_is_an_error() -> None:
    done = run_python(PROBE, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    assert done.stdout.strip() == "refused"


def test_pairing_tables_wait_for_a_v4_keystore_which_still_works() -> None:
    """web3 and eth-account (a v3 keystore included) run without py_ecc's pairing modules; a
    version-4 (BLS) keystore loads py_ecc.bls's and round-trips, with py_ecc's own public key;
    any other name of py_ecc.bls12_381 runs that package too."""
    done = run_python(DEFERRED, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stderr[-1500:])
    before, v4, other, ok = done.stdout.strip().splitlines()
    assert before == "[]"
    assert v4 == str(sorted(set(PAIRING) - {"py_ecc.bls12_381.bls12_381_pairing"}))
    assert other == str(sorted(PAIRING))
    assert ok == "ok"


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
