"""`nets wasm run --onchain`: the same report as off chain, from the interpreter contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.anvil import Anvil
from node.cli import main

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["wasm", "run", *args])
    return result.exit_code, result.output


@pytest.mark.anvil
@pytest.mark.parametrize(
    ("agent", "obs"),
    [
        ("snake/nets_guest_v0.wat", ["--obs-u64", "0x0a0b0c0d"]),
        ("hostile/div_by_zero.wat", ["--obs-u64", "7"]),
        ("hostile/infinite_loop.wat", ["--obs-u64", "7"]),
    ],
)
def test_onchain_report_matches_the_sandbox(agent: str, obs: list[str], anvil: Anvil) -> None:
    args = ["--agent", str(AGENTS / agent), *obs, "--fuel", "2000", "--json"]
    code, local_out = run(*args)
    assert code == 0, local_out
    code, chain_out = run(*args, "--onchain", "--chain", anvil.url)
    assert code == 0, chain_out
    local, onchain = json.loads(local_out), json.loads(chain_out)
    gas_used = onchain.pop("gas_used")
    assert onchain == local
    assert isinstance(gas_used, int)
    assert gas_used > 21_000


def test_unreachable_chain_is_bad_input() -> None:
    agent = str(AGENTS / "snake" / "nets_guest_v0.wat")
    code, out = run(
        "--agent", agent, "--obs-u64", "1", "--onchain", "--chain", "http://127.0.0.1:1"
    )
    assert code == 2
    assert "cannot reach the chain" in out


def test_chain_without_onchain_is_bad_input() -> None:
    agent = str(AGENTS / "snake" / "nets_guest_v0.wat")
    code, out = run("--agent", agent, "--obs-u64", "1", "--chain", "http://127.0.0.1:1")
    assert code == 2
    assert "--onchain" in out
