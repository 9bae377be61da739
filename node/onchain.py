"""Run agent decisions through the on-chain WASM interpreter (contracts/src/wasm/).

`OnchainInterpreter.deploy(url)` compiles and deploys WasmCompiler + WasmInterpreter on any EVM
JSON-RPC endpoint; `decide` answers with the same fields as `node.wasm` plus the gas the call
costs. `run_onchain` does everything in one call, on a throwaway anvil when no URL is given.
docs/protocol/interpreter.md describes the contracts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.types import TxParams

from adapters.anvil import DEFAULT_KEYS, Anvil
from adapters.build import CONTRACTS_DIR, Artifact, compile_contracts, load_sources
from adapters.keys import from_private_key
from adapters.web3chain import Web3Chain
from node.wasm import Outcome

WASM_DIR = CONTRACTS_DIR / "wasm"
INTERFACE = CONTRACTS_DIR / "interfaces" / "IDecisionVerifier.sol"


@dataclass(frozen=True)
class OnchainDecision:
    """A decision computed by the contract; ``gas_used`` is eth_estimateGas of the call."""

    outcome: Outcome
    value: int
    fuel_used: int
    gas_used: int


def interpreter_sources(*, with_test_harness: bool = False) -> dict[str, str]:
    """Solidity sources of the interpreter (and its interface), keyed as solc sees them."""
    sources = load_sources(WASM_DIR)
    sources.update(load_sources(INTERFACE.parent))
    if with_test_harness:
        sources.update(load_sources(CONTRACTS_DIR.parent / "test" / "wasm"))
        sources.update(load_sources(CONTRACTS_DIR.parent / "test" / "utils"))
    return sources


def build_artifacts(*, with_test_harness: bool = False) -> dict[str, Artifact]:
    """Compiled artifacts by contract name (cached on disk by source hash)."""
    return compile_contracts(interpreter_sources(with_test_harness=with_test_harness))


class Deployer:
    """Deploys artifacts with one key (anvil's first default account by default) through the
    adapters' transaction sender (adapters.web3chain), which signs, sends and waits."""

    def __init__(self, url: str, private_key: str = DEFAULT_KEYS[0]) -> None:
        self.chain = Web3Chain(url, from_private_key(private_key), timeout=120)

    def deploy(self, artifact: Artifact, *args: Any) -> str:
        """Deploy ``artifact`` with constructor ``args``; returns the contract address."""
        init_code = self.chain.init_code(artifact.abi, artifact.bytecode, *args)
        receipt = self.chain.deploy_code(init_code, abi=artifact.abi)
        if receipt.contract_address is None:
            raise RuntimeError(f"deployment of {artifact.name} failed")
        return receipt.contract_address


class OnchainInterpreter:
    """A deployed WasmInterpreter (and its WasmCompiler) on one endpoint."""

    def __init__(self, w3: Web3, address: str, artifacts: dict[str, Artifact]) -> None:
        self.w3 = w3
        self.address = address
        self.artifacts = artifacts
        self.contract = w3.eth.contract(
            address=Web3.to_checksum_address(address), abi=artifacts["WasmInterpreter"].abi
        )

    @classmethod
    def deploy(cls, url: str, private_key: str = DEFAULT_KEYS[0]) -> OnchainInterpreter:
        """Compile and deploy both contracts on ``url``."""
        w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 120}))
        artifacts = build_artifacts()
        deployer = Deployer(url, private_key)
        compiler = deployer.deploy(artifacts["WasmCompiler"])
        interpreter = deployer.deploy(artifacts["WasmInterpreter"], compiler)
        return cls(w3, interpreter, artifacts)

    @classmethod
    def at(cls, url: str, address: str) -> OnchainInterpreter:
        """An interpreter already deployed at ``address`` (e.g. the one the Arena uses)."""
        w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 120}))
        return cls(w3, address, build_artifacts())

    def inspect(self, code: bytes) -> tuple[bool, int]:
        """(valid, abiVersion) as the contract's profile check sees ``code``."""
        valid, abi = self.contract.functions.inspect(code).call()
        return bool(valid), int(abi)

    def compile(self, code: bytes) -> bytes:
        """The compiled program of ``code`` (empty when invalid): what a one-step proof sends,
        checked on chain against the hash the Arena stored at registration."""
        _valid, _abi, program = self.contract.functions.compile(code).call()
        return bytes(program)

    def decide(
        self, code: bytes, observation: bytes, fuel: int, gas: int | None = None
    ) -> OnchainDecision:
        """One decision via eth_call, with the call's estimated gas.

        ``gas`` caps both calls; by default the endpoint's own cap applies (anvil: the block
        gas limit), which is what a one-step proof would have at most.
        """
        call = self.contract.functions.decide(code, observation, fuel)
        params: TxParams = {} if gas is None else {"gas": gas}
        outcome, value, fuel_used = call.call(params)
        estimate = call.estimate_gas(params)
        return OnchainDecision(Outcome(outcome), int(value), int(fuel_used), int(estimate))


def run_onchain(
    code: bytes, observation: bytes, fuel: int, chain_url: str | None = None
) -> OnchainDecision:
    """Deploy the interpreter (on a throwaway anvil unless ``chain_url``) and run one decision."""
    if chain_url is not None:
        return OnchainInterpreter.deploy(chain_url).decide(code, observation, fuel)
    with Anvil() as node:
        return OnchainInterpreter.deploy(node.url).decide(code, observation, fuel)
