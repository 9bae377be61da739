"""Deploy the contract set in dependency order, reusing what is already on chain.

The plan is a list of ``DeploySpec``: a contract name and its constructor args, where an arg
``"@Name"`` stands for the address of the contract ``Name`` deployed earlier in the plan
(that reference is also the dependency). ``DEPLOY_PLAN`` is the project's default set: the
Arena and its helpers join it with ``register`` when they exist.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from adapters.arena_ops import ARENA_PLAN
from adapters.build import CONTRACTS_DIR, Artifact, compile_contracts, load_sources
from adapters.deployments import ChainDeployment, DeployedContract, DeploymentsFile
from adapters.errors import AdapterError
from adapters.toolchain import PROJECT_ROOT
from adapters.web3chain.chain import Web3Chain


class DeployError(AdapterError):
    """The plan cannot be deployed (unknown contract, cycle, bad argument)."""


@dataclass(frozen=True)
class DeploySpec:
    name: str
    args: tuple[Any, ...] = ()

    def dependencies(self) -> list[str]:
        return [a[1:] for a in self.args if isinstance(a, str) and a.startswith("@")]

    @classmethod
    def from_json(cls, item: Any) -> DeploySpec:
        if isinstance(item, str):
            return cls(item)
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise DeployError(f"plan entry must be a name or {{name, args}}: {item!r}")
        args = item.get("args", [])
        if not isinstance(args, list):
            raise DeployError(f"plan entry {item['name']}: args must be a list")
        return cls(item["name"], tuple(args))


DEPLOY_PLAN: list[DeploySpec] = []


def register(spec: DeploySpec) -> None:
    """Add a contract to the default plan (replacing an entry of the same name)."""
    DEPLOY_PLAN[:] = [s for s in DEPLOY_PLAN if s.name != spec.name] + [spec]


# The Arena's set (adapters.arena_ops.ARENA_PLAN): systems, the WASM interpreter as the decision
# verifier, the Arena (whose constructor creates its DisputeGame).
for _name, _args in ARENA_PLAN:
    register(DeploySpec(_name, _args))

CREATED_BY: dict[str, tuple[str, str]] = {"DisputeGame": ("Arena", "disputeGame")}
"""Contracts a plan contract creates in its constructor: name -> (creator, getter). They are
bound (not recorded) after a deployment, so their calls, errors and events are known."""


def load_plan(path: Path) -> list[DeploySpec]:
    """A plan from JSON: a list of names or {"name": ..., "args": [...]} objects."""
    if path.exists() and not path.is_file() and not path.is_dir():  # a device: read whole
        raise DeployError(f"plan {path} is not a regular file")
    try:
        items = json.loads(path.read_text())
    except OSError as exc:
        raise DeployError(f"plan {path}: {exc.strerror or exc}") from None
    except ValueError:
        raise DeployError(f"plan {path}: not JSON") from None
    if not isinstance(items, list):
        raise DeployError(f"plan {path}: expected a JSON list")
    return [DeploySpec.from_json(item) for item in items]


def ordered(specs: Sequence[DeploySpec]) -> list[DeploySpec]:
    """Dependencies first, otherwise plan order; unknown references and cycles are errors."""
    by_name = {s.name: s for s in specs}
    if len(by_name) != len(specs):
        raise DeployError("a contract appears twice in the plan")
    done: list[DeploySpec] = []
    state: dict[str, str] = {}

    def visit(spec: DeploySpec, path: tuple[str, ...]) -> None:
        if state.get(spec.name) == "done":
            return
        if state.get(spec.name) == "visiting":
            raise DeployError(f"dependency cycle: {' -> '.join((*path, spec.name))}")
        state[spec.name] = "visiting"
        for dependency in spec.dependencies():
            if dependency not in by_name:
                raise DeployError(f"{spec.name} needs @{dependency}, which is not in the plan")
            visit(by_name[dependency], (*path, spec.name))
        state[spec.name] = "done"
        done.append(spec)

    for spec in specs:
        visit(spec, ())
    return done


def source_hash(sources: Mapping[str, str]) -> str:
    """sha256 over the sorted (path, content) pairs of the compiled set."""
    return "0x" + hashlib.sha256(json.dumps(sorted(sources.items())).encode()).hexdigest()


@dataclass
class ContractSet:
    artifacts: dict[str, Artifact]
    source_hash: str
    sources: dict[str, str] = field(repr=False)


def compile_set(directory: Path = CONTRACTS_DIR) -> ContractSet:
    """Compile every .sol file below ``directory`` as one set."""
    directory = directory.resolve()
    root = PROJECT_ROOT if directory.is_relative_to(PROJECT_ROOT) else directory
    sources = load_sources(directory, root)
    return ContractSet(compile_contracts(sources) if sources else {}, source_hash(sources), sources)


def _resolve(spec: DeploySpec, addresses: Mapping[str, str]) -> tuple[Any, ...]:
    return tuple(
        addresses[a[1:]] if isinstance(a, str) and a.startswith("@") else a for a in spec.args
    )


def _hash(data: bytes) -> str:
    return "0x" + keccak(data).hex()


def deploy(
    chain: Web3Chain,
    specs: Iterable[DeploySpec],
    contract_set: ContractSet,
    deployments: DeploymentsFile | None = None,
) -> tuple[ChainDeployment, list[str]]:
    """Deploy (or reuse) every contract of the plan; bind each on ``chain``.

    Returns the deployment record and the names actually deployed now. A recorded contract
    is reused when its creation code and args are unchanged and the code at its address
    still hashes to what was recorded.
    """
    previous = deployments.get(chain.chain_id) if deployments else None
    record = ChainDeployment(chain_id=chain.chain_id, source_hash=contract_set.source_hash)
    deployed_now: list[str] = []
    for spec in ordered(list(specs)):
        artifact = contract_set.artifacts.get(spec.name)
        if artifact is None:
            raise DeployError(f"contract {spec.name} is not in the compiled set")
        abi = artifact.abi
        try:
            args = _resolve(spec, record.addresses())
            init_code = chain.init_code(abi, artifact.bytecode, *args)
        except Exception as exc:  # eth-abi raises several unrelated types for bad args
            raise DeployError(f"{spec.name}: bad constructor args {spec.args!r}: {exc}") from None
        init_hash = _hash(init_code)
        entry = previous.contracts.get(spec.name) if previous else None
        if entry is None or not _still_there(chain, entry, init_hash):
            receipt = chain.deploy_code(init_code, abi=abi)
            address = receipt.contract_address
            if address is None:
                raise DeployError(f"{spec.name}: the deployment receipt has no contract address")
            entry = DeployedContract(
                address=address,
                init_code_hash=init_hash,
                runtime_code_hash=_hash(chain.code_at(address)),
                tx_hash="0x" + receipt.tx_hash.hex(),
                block=receipt.block_number,
                args=[str(a) for a in args],
            )
            deployed_now.append(spec.name)
        record.contracts[spec.name] = entry
        record.abis[spec.name] = artifact.abi
        chain.bind(spec.name, entry.address, abi)
    _bind_created(chain, contract_set)
    for name, (creator, _) in CREATED_BY.items():
        created = contract_set.artifacts.get(name)
        if created is not None and creator in record.contracts:
            record.abis[name] = created.abi
    if deployments is not None:
        deployments.put(record)
    return record, deployed_now


def _bind_created(chain: Web3Chain, contract_set: ContractSet) -> None:
    for name, (creator, getter) in CREATED_BY.items():
        artifact = contract_set.artifacts.get(name)
        if artifact is not None and creator in chain.contracts:
            chain.bind(name, chain.call(creator, getter), artifact.abi)


def _still_there(chain: Web3Chain, entry: DeployedContract, init_hash: str) -> bool:
    if entry.init_code_hash != init_hash:
        return False
    code = chain.code_at(entry.address)
    return bool(code) and _hash(code) == entry.runtime_code_hash
