"""Deploy plans: dependency order, constructor args, the deployments file and reuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.anvil import Anvil
from adapters.build import Artifact
from adapters.deploy import ContractSet, DeployError, DeploySpec, deploy, load_plan, ordered
from adapters.deployments import DeploymentsError, DeploymentsFile
from adapters.keys import anvil_account
from adapters.web3chain import Web3Chain


def names(specs: list[DeploySpec]) -> list[str]:
    return [s.name for s in specs]


def test_plan_order_puts_dependencies_first_and_rejects_bad_plans() -> None:
    plan = [
        DeploySpec("Arena", ("@Verifier", "@Game", 5)),
        DeploySpec("Game", ("@Verifier",)),
        DeploySpec("Verifier"),
    ]
    assert names(ordered(plan)) == ["Verifier", "Game", "Arena"]
    with pytest.raises(DeployError, match="cycle"):
        ordered([DeploySpec("A", ("@B",)), DeploySpec("B", ("@A",))])
    with pytest.raises(DeployError, match="not in the plan"):
        ordered([DeploySpec("A", ("@Missing",))])
    with pytest.raises(DeployError, match="twice"):
        ordered([DeploySpec("A"), DeploySpec("A")])


def test_plan_files_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('["Probe", {"name": "Registry", "args": ["@Probe"]}]')
    assert load_plan(path) == [DeploySpec("Probe"), DeploySpec("Registry", ("@Probe",))]
    for bad in ("{}", "[1]", '[{"name": "X", "args": 3}]', "not json"):
        path.write_text(bad)
        with pytest.raises(DeployError):
            load_plan(path)


def test_corrupt_deployments_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deployments.json"
    entry = {
        "address": "0x12",
        "init_code_hash": "0x",
        "runtime_code_hash": "0x",
        "tx_hash": "0x",
        "block": 1,
    }
    for bad in (
        '{"version": 1, "chains": {"1": {"chain_id": "x"}}}',
        json.dumps(
            {"chains": {"1": {"chain_id": 1, "source_hash": "", "contracts": {"A": entry}}}}
        ),
        "[]",
        "\x00\xff",
    ):
        path.write_text(bad)
        with pytest.raises(DeploymentsError, match="not a deployments file"):
            DeploymentsFile(path).get(1)
    path.write_text('{"version": 2}')
    with pytest.raises(DeploymentsError, match="version 2"):
        DeploymentsFile(path).get(1)


@pytest.mark.anvil
def test_deploy_records_reuses_and_redeploys(
    fresh_anvil: Anvil, probe_artifacts: dict[str, Artifact], tmp_path: Path
) -> None:
    owner = anvil_account(1).address
    contract_set = ContractSet(probe_artifacts, "0xabc", {})
    plan = [DeploySpec("Registry", ("@Probe",)), DeploySpec("Probe", (owner,))]
    file = DeploymentsFile(tmp_path / "deployments.json")
    chain = Web3Chain(fresh_anvil.url, anvil_account(0))

    record, deployed = deploy(chain, plan, contract_set, file)
    assert deployed == ["Probe", "Registry"]
    assert chain.call("Registry", "probe") == record.contracts["Probe"].address
    assert chain.call("Probe", "owner") == owner
    assert file.get(31337) == record
    assert record.source_hash == "0xabc"

    again, deployed = deploy(Web3Chain(fresh_anvil.url, anvil_account(0)), plan, contract_set, file)
    assert deployed == []
    assert again.addresses() == record.addresses()

    # New constructor args for Probe: it and everything depending on it are redeployed.
    plan[1] = DeploySpec("Probe", (anvil_account(2).address,))
    third, deployed = deploy(chain, plan, contract_set, file)
    assert deployed == ["Probe", "Registry"]
    assert third.addresses()["Probe"] != record.addresses()["Probe"]
    with pytest.raises(DeployError, match="not in the compiled set"):
        deploy(chain, [DeploySpec("Nope")], contract_set, file)
    with pytest.raises(DeployError, match="bad constructor args"):
        deploy(chain, [DeploySpec("Probe", ("not an address",))], contract_set, file)


@pytest.mark.anvil
def test_recorded_addresses_without_code_are_redeployed(
    fresh_anvil: Anvil, probe_artifacts: dict[str, Artifact], tmp_path: Path
) -> None:
    contract_set = ContractSet(probe_artifacts, "0xabc", {})
    plan = [DeploySpec("Probe", (anvil_account(1).address,))]
    file = DeploymentsFile(tmp_path / "deployments.json")
    deploy(Web3Chain(fresh_anvil.url, anvil_account(0)), plan, contract_set, file)
    fresh_anvil.stop()  # a new anvil on the same port: same chain id, empty state
    fresh_anvil.start()
    _, deployed = deploy(Web3Chain(fresh_anvil.url, anvil_account(0)), plan, contract_set, file)
    assert deployed == ["Probe"]
