"""marketplace_chain end to end: same root on memory and anvil, validators pass, anchoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.anvil import Anvil
from adapters.errors import TransactionFailed
from adapters.keys import anvil_account
from adapters.memory import MemoryChain, new_world
from adapters.web3chain import Web3Chain
from node.cli import main
from node.sim import engine, scenario
from node.sim.chain.anchor import anchor_root, scenario_hash
from node.sim.chain.ops import sim_contracts
from node.sim.chain.session import use_chain
from node.sim.validators.suites import validate_file

SMALL = ("agents.count=8", "agents.roles.0.count=4", "agents.roles.1.count=4")


def _run(path: Path, *sets: str) -> engine.RunResult:
    return engine.run(scenario.load("marketplace_chain", overrides=sets), path)


def test_memory_run_is_deterministic_and_valid(tmp_path: Path) -> None:
    first = _run(tmp_path / "a.jsonl")
    second = _run(tmp_path / "b.jsonl")
    assert first.root is not None
    assert first.root == second.root
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (first.metrics.get("deals") or 0) > 0
    report = validate_file(tmp_path / "a.jsonl")
    assert report.passed, [v for v in report.verdicts if not v.passed]
    text = (tmp_path / "a.jsonl").read_text()
    for plugin in ("chain_ledger", "chain_cards", "stake_weighted"):
        assert f'"plugin":"{plugin}"' in text


def test_another_seed_gives_another_root(tmp_path: Path) -> None:
    assert (
        _run(tmp_path / "a.jsonl", *SMALL).root != _run(tmp_path / "b.jsonl", *SMALL, "seed=7").root
    )


@pytest.mark.anvil
def test_anvil_run_has_the_memory_root_and_anchors_it(tmp_path: Path, anvil: Anvil) -> None:
    resolved = scenario.load("marketplace_chain")
    on_memory = engine.run(resolved, tmp_path / "memory.jsonl")
    chain = Web3Chain(anvil.url, anvil_account(9))
    head = chain.block_number()
    with use_chain(chain):
        on_anvil = engine.run(resolved, tmp_path / "anvil.jsonl")
    assert on_anvil.root is not None
    assert on_anvil.root == on_memory.root
    deals = int(on_anvil.metrics.get("deals") or 0)
    assert deals > 0
    assert chain.block_number() - head >= deals
    assert validate_file(tmp_path / "anvil.jsonl").passed
    info = anchor_root(chain, on_anvil.root, scenario_hash(resolved), resolved.scenario.seed)
    assert info.root == on_anvil.root
    assert info.seed == resolved.scenario.seed
    assert info.by == anvil_account(9).address
    assert chain.code_at(info.contract)
    assert 0 < info.block_number <= chain.block_number()


def test_anchor_on_memory_reads_back() -> None:
    chain = MemoryChain()
    notary = sim_contracts(chain).deploy_anchor()
    info = notary.anchor(b"\x01" * 32, b"\x02" * 32, 42)
    assert notary.anchor_of(b"\x01" * 32) == info
    assert info.block_number == chain.block_number()


def test_cli_run_anchor_memory(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    args = ["run", "marketplace_chain", *[f"--set={s}" for s in SMALL], "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--anchor", "--chain", "memory", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["anchor"]["root"] == data["run"]["root"]
    assert data["anchor"]["block_number"] > 0
    people = CliRunner().invoke(main, [*args, "--anchor", "--chain", "memory"])
    assert people.exit_code == 0, people.output
    assert f"anchored {data['run']['root']}" in " ".join(people.output.split())


def test_cli_run_anchor_bad_input(tmp_path: Path) -> None:
    out = str(tmp_path / "t.jsonl")
    for extra in (["--anchor", "--no-trace"], ["--anchor", "--chain", "no-such-chain"]):
        result = CliRunner().invoke(main, ["run", "pingpong", "-o", out, *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert len(result.output.strip().splitlines()) == 1


def test_a_failing_chain_aborts_the_run(tmp_path: Path) -> None:
    """Not a refusal in the trace: an operator without funds cannot deposit, the run stops."""
    broke = MemoryChain(new_world(accounts=[]))
    resolved = scenario.load("marketplace_chain", overrides=SMALL)
    with use_chain(broke), pytest.raises(TransactionFailed):
        engine.run(resolved, tmp_path / "t.jsonl")
