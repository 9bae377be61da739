"""node.onchain: deploy on an endpoint, decide via eth_call, report gas."""

from __future__ import annotations

import pytest
import wasmtime

from adapters.anvil import Anvil
from node.onchain import OnchainInterpreter, run_onchain
from node.wasm import AgentProgram, Outcome

pytestmark = pytest.mark.anvil

LOOP = """(module (func (export "decide") (param i64) (result i64) (local i64)
  (loop (local.set 1 (i64.add (local.get 1) (i64.const 1)))
        (br_if 0 (i64.lt_u (local.get 1) (local.get 0)))) (local.get 1)))"""


def test_run_onchain_matches_the_sandbox(anvil: Anvil) -> None:
    code = bytes(wasmtime.wat2wasm(LOOP))
    obs = (20).to_bytes(8, "big")
    got = run_onchain(code, obs, 10_000, chain_url=anvil.url)
    expected = AgentProgram.load(code).decide(obs, 10_000)
    assert (got.outcome, got.value, got.fuel_used) == (
        expected.outcome,
        expected.value,
        expected.fuel_used,
    )
    assert got.outcome == Outcome.OK
    assert got.value == 20
    assert 21_000 < got.gas_used < 1_000_000


def test_inspect_and_invalid_module(anvil: Anvil) -> None:
    chain = OnchainInterpreter.deploy(anvil.url)
    assert chain.inspect(bytes(wasmtime.wat2wasm(LOOP))) == (True, 0)
    assert chain.inspect(b"\x00asm") == (False, 0)
    bad = chain.decide(b"\x00asm\x01\x00\x00\x00", (1).to_bytes(8, "big"), 100)
    assert (bad.outcome, bad.value, bad.fuel_used) == (Outcome.INVALID_MODULE, 0, 0)
    again = OnchainInterpreter.at(anvil.url, chain.address)
    assert again.inspect(bytes(wasmtime.wat2wasm(LOOP))) == (True, 0)
