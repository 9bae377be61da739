"""One compile of the contract tree serves every subset, with the bytecode a direct compile of
the subset gives; anvil leaves no descriptor and no log file behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters import build
from adapters.anvil import Anvil
from adapters.build import (
    compile_contracts,
    compile_standard_json,
    import_closure,
    tree_sources,
)

RFC9162 = ("contracts/src/lib/Rfc9162.sol", "contracts/test/lib/Rfc9162Harness.sol")


def test_tree_holds_sources_and_helpers_but_not_forge_tests() -> None:
    tree = tree_sources()
    assert "contracts/src/arena/Arena.sol" in tree
    assert "contracts/test/adapters/Probe.sol" in tree
    assert not [path for path in tree if path.endswith(".t.sol")]


def test_import_closure_follows_relative_imports() -> None:
    tree = {
        "a/A.sol": 'import {B} from "./B.sol";\nimport "../c/C.sol";',
        "a/B.sol": "contract B {}",
        "c/C.sol": 'import "c/D.sol";',
        "c/D.sol": "contract D {}",
        "e/E.sol": "contract E {}",
    }
    assert import_closure(tree, {"a/A.sol": ""}) == {"a/A.sol", "a/B.sol", "c/C.sol", "c/D.sol"}
    assert import_closure(tree, {"a/B.sol": ""}) == {"a/B.sol"}


def test_subset_served_from_the_tree_matches_a_compile_of_the_subset_alone() -> None:
    tree = tree_sources()
    subset = {path: tree[path] for path in RFC9162}
    served = compile_contracts(subset)
    direct = compile_standard_json(subset)["contracts"]
    alone = {name: data for contracts in direct.values() for name, data in contracts.items()}
    assert set(served) == set(alone) == {"Rfc9162", "Rfc9162Harness"}
    for name, data in alone.items():
        assert served[name].bytecode.hex() == data["evm"]["bytecode"]["object"]
        assert served[name].abi == data["abi"]


def test_a_subset_gets_only_its_own_contracts_and_their_imports() -> None:
    tree = tree_sources()
    arena = {path: text for path, text in tree.items() if path.startswith("contracts/src/arena/")}
    artifacts = compile_contracts(arena)
    assert {"Arena", "DisputeGame", "Rfc9162"} <= set(artifacts)
    assert not {"Probe", "WasmInterpreter", "SnakeSystem", "Rfc9162Harness"} & set(artifacts)


def test_an_edited_tree_file_is_compiled_as_given() -> None:
    source = tree_sources()["contracts/test/adapters/Probe.sol"]
    edited = source.replace("contract Registry {", "contract Registry2 {")
    artifacts = compile_contracts({"contracts/test/adapters/Probe.sol": edited})
    assert "Registry2" in artifacts
    assert "Registry" not in artifacts


def test_a_broken_tree_file_does_not_block_a_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tree_sources()
    broken = tree | {"contracts/test/Broken.sol": "pragma solidity 0.8.30; contract B { x }"}
    monkeypatch.setattr(build, "tree_sources", lambda: broken)
    subset = {path: tree[path] for path in RFC9162}
    assert set(compile_contracts(subset)) == {"Rfc9162", "Rfc9162Harness"}


def _open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.anvil
def test_anvil_leaves_no_descriptor_and_no_log_file() -> None:
    fds_before = _open_descriptors()
    for _ in range(2):
        node = Anvil().start()
        assert node.rpc("eth_chainId") == "0x7a69"
        assert "Listening on" in node.logs()
        # anvil's output goes to a file with no name: nothing in /tmp to leave behind
        output = os.readlink(f"/proc/{node.pid}/fd/1")
        assert output.endswith("(deleted)"), output
        node.stop()
    assert _open_descriptors() <= fds_before


@pytest.mark.anvil
def test_anvil_keeps_a_named_log(tmp_path: Path) -> None:
    log = tmp_path / "anvil.log"
    with Anvil(log_path=log) as node:
        node.mine()
    assert "Listening on" in log.read_text()
