"""The Arena on a real anvil: deployable under the size limits, gas targets as real receipts,
and the hand-laid ClaimSubmitted log decodes with the standard ABI.

Uses the test-only counter system and stand-in decision verifier from contracts/test/arena.
"""

from __future__ import annotations

from typing import Any

import pytest
from eth_abi.abi import encode
from eth_hash.auto import keccak
from web3 import Web3

from adapters.anvil import Anvil
from adapters.build import Artifact, compile_contracts
from adapters.toolchain import PROJECT_ROOT

pytestmark = pytest.mark.anvil

SOURCES = (
    "contracts/src/interfaces/ISystem.sol",
    "contracts/src/interfaces/IDecisionVerifier.sol",
    "contracts/src/lib/Rfc9162.sol",
    "contracts/src/arena/IArenaGame.sol",
    "contracts/src/arena/DisputeGame.sol",
    "contracts/src/arena/Arena.sol",
    "contracts/test/arena/CounterSystem.sol",
    "contracts/test/arena/StandInVerifier.sol",
)
CODE_SIZE_LIMIT = 24_576
ETHER = 10**18


class Chain:
    """Thin transaction helper over an anvil account."""

    def __init__(self, url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 120}))
        self.accounts = self.w3.eth.accounts

    def deploy(self, artifact: Artifact, *args: Any) -> Any:
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        tx = factory.constructor(*args).transact({"from": self.accounts[0]})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)

    def send(self, call: Any, sender: int = 0, value: int = 0) -> Any:
        tx = call.transact({"from": self.accounts[sender], "value": value})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        return receipt


@pytest.fixture(scope="module")
def artifacts() -> dict[str, Artifact]:
    return compile_contracts({path: (PROJECT_ROOT / path).read_text() for path in SOURCES})


@pytest.fixture(scope="module")
def deployed(anvil: Anvil, artifacts: dict[str, Artifact]) -> tuple[Chain, Any, Any, Any]:
    chain = Chain(anvil.url)
    system = chain.deploy(artifacts["CounterSystem"])
    verifier = chain.deploy(artifacts["StandInVerifier"])
    arena = chain.deploy(artifacts["Arena"], verifier.address, 86_400)
    game = chain.w3.eth.contract(
        address=arena.functions.disputeGame().call(), abi=artifacts["DisputeGame"].abi
    )
    return chain, arena, game, system


def test_contracts_fit_the_code_size_limit(artifacts: dict[str, Artifact]) -> None:
    for name in ("Arena", "DisputeGame"):
        assert 0 < artifacts[name].deployed_size < CODE_SIZE_LIMIT, name
    assert len(artifacts["Arena"].bytecode) < 2 * CODE_SIZE_LIMIT  # EIP-3860 init code limit


def _league_config(system: str, matches: int) -> tuple[Any, ...]:
    return (
        system,
        (6).to_bytes(4, "big"),  # CounterSystem params: maxTurns
        ETHER,  # minStake
        2,  # rewardMultiplier
        matches,
        10_000,  # fuelPerDecision
        ETHER // 2,  # slashAmount
        ETHER // 5,  # challengerBond
        [3 * ETHER, ETHER],  # rewardSchedule
        3_600,
        3_600,
        600,
    )


def test_submit_claim_gas_and_event_on_chain(deployed: tuple[Chain, Any, Any, Any]) -> None:
    chain, arena, game, system = deployed
    fn = arena.functions
    agent_id = fn.agentCount().call() + 1
    chain.send(fn.registerAgent(b"\x00"), sender=1)
    chain.send(fn.stake(agent_id), sender=1, value=ETHER)
    league_id = fn.leagueCount().call() + 1
    chain.send(fn.createLeague(_league_config(system.address, 10)), value=10 * ETHER)
    round_id = fn.roundCount().call() + 1
    chain.send(fn.openRound(league_id))
    # fixSeed needs block.number > seedBlock (= opening block + 1); anvil estimates gas at the
    # latest block, so two blocks are mined before the call.
    for _ in range(2):
        chain.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    chain.send(fn.fixSeed(round_id))
    scores = [-100 - i for i in range(10)]  # worst calldata: sign-extended words
    root = keccak(b"claim root")
    receipt = chain.send(fn.submitClaim(round_id, agent_id, root, scores), sender=1)
    assert receipt["gasUsed"] <= 80_000, receipt["gasUsed"]

    (event,) = arena.events.ClaimSubmitted().process_receipt(receipt)
    claim_id = (round_id << 64) | agent_id
    assert event["args"]["claimId"] == claim_id
    assert bytes(event["args"]["claimRoot"]) == root
    assert list(event["args"]["scores"]) == scores
    assert event["args"]["total"] == sum(scores)
    scores_hash = keccak(encode(["int256"] * len(scores), scores))
    assert bytes(fn.claimCommit(claim_id).call()) == keccak(root + scores_hash)
    assert game.functions.arena().call() == arena.address


def test_agent_code_is_recoverable_from_calldata(deployed: tuple[Chain, Any, Any, Any]) -> None:
    """The documented recovery: the AgentRegistered log's transaction input carries the code."""
    chain, arena, _, _ = deployed
    code = b"\x01" + bytes(range(200))
    receipt = chain.send(arena.functions.registerAgent(code), sender=2)
    (event,) = arena.events.AgentRegistered().process_receipt(receipt)
    tx = chain.w3.eth.get_transaction(receipt["transactionHash"])
    calldata = tx.get("input")
    assert calldata is not None
    _, params = arena.decode_function_input(calldata)
    assert keccak(params["code"]) == bytes(event["args"]["codeHash"])
    assert params["code"] == code
    assert event["args"]["abiVersion"] == 1
