"""End to end on anvil: matches played off chain by node.match (wasmtime) are claimed on the
Arena and disputed down to the one-step proof, which runs the real RpsSystem and the real
on-chain WASM interpreter. Python and Solidity must agree on every byte for the honest side
to win: state encodings, step entries, RFC 9162 proofs, match seeds and the agent's decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import wasmtime
from web3 import Web3
from web3.logs import DISCARD

from adapters.anvil import Anvil
from adapters.build import Artifact, compile_contracts
from adapters.toolchain import PROJECT_ROOT
from node import merkle
from node.match import MatchResult, run_match
from node.onchain import OnchainInterpreter
from node.systems.base import System, load_system
from node.trace import MatchSummary, StepEntry, claim_root, keccak256, match_seed, pack_step_entry
from node.wasm import AgentProgram

pytestmark = pytest.mark.anvil

ARENA_SOURCES = (
    "contracts/src/interfaces/ISystem.sol",
    "contracts/src/interfaces/IDecisionVerifier.sol",
    "contracts/src/lib/Rfc9162.sol",
    "contracts/src/arena/IArenaGame.sol",
    "contracts/src/arena/DisputeGame.sol",
    "contracts/src/arena/Arena.sol",
)
RPS_SOURCES = (
    "contracts/src/interfaces/ISystem.sol",
    "contracts/src/systems/SystemLib.sol",
    "contracts/src/systems/RpsSystem.sol",
)
AGENT = PROJECT_ROOT / "scenarios" / "agents" / "rps" / "beat_last_v0.wat"
ETHER = 10**18
BOND = ETHER // 5
SLASH = ETHER // 2
FUEL = 10_000
MATCHES = 2
STEP_VALID, STEP_MISMATCH = 8, 7
CLAIMANT_LOST, CHALLENGER_LOST = 0, 1
AWAIT_MID, AWAIT_ONE_STEP = 3, 5
MAINNET_BLOCK_GAS = 30_000_000


def _compile(paths: tuple[str, ...]) -> dict[str, Artifact]:
    return compile_contracts({path: (PROJECT_ROOT / path).read_text() for path in paths})


@dataclass
class World:
    w3: Web3
    arena: Any
    game: Any
    system: System
    params: bytes
    league_id: int
    code: bytes
    program: AgentProgram

    def account(self, index: int) -> str:
        return list(self.w3.eth.accounts)[index]

    def send(self, call: Any, sender: int, value: int = 0) -> Any:
        tx = call.transact({"from": self.account(sender), "value": value})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        return receipt


def _deploy(w3: Web3, artifact: Artifact, *args: Any) -> Any:
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    tx = factory.constructor(*args).transact({"from": w3.eth.accounts[0]})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    assert receipt["status"] == 1
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


@pytest.fixture(scope="module")
def world(anvil: Anvil) -> World:
    interpreter = OnchainInterpreter.deploy(anvil.url)
    w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 120}))
    arena_artifacts = _compile(ARENA_SOURCES)
    rps = _deploy(w3, _compile(RPS_SOURCES)["RpsSystem"])
    arena = _deploy(w3, arena_artifacts["Arena"], interpreter.address, 86_400)
    game = w3.eth.contract(
        address=arena.functions.disputeGame().call(), abi=arena_artifacts["DisputeGame"].abi
    )
    system = load_system("rps")
    params = system.encode_params({"rounds": 8, "history": 4})
    code = bytes(wasmtime.wat2wasm(AGENT.read_text()))
    program = AgentProgram.load(code)
    assert program.abi == 0
    league_id = arena.functions.leagueCount().call() + 1
    world = World(w3, arena, game, system, params, league_id, code, program)
    config = (rps.address, params, ETHER, 1, MATCHES, FUEL, SLASH, BOND, [ETHER], 3_600, 3_600, 600)
    world.send(arena.functions.createLeague(config), sender=0, value=5 * ETHER)
    return world


def _new_agent(world: World, owner: int) -> int:
    fn = world.arena.functions
    agent_id = fn.agentCount().call() + 1
    world.send(fn.registerAgent(world.code), sender=owner)  # the real interpreter inspects it
    world.send(fn.stake(agent_id), sender=owner, value=ETHER)
    return agent_id


def _new_round(world: World) -> tuple[int, bytes]:
    fn = world.arena.functions
    round_id = fn.roundCount().call() + 1
    world.send(fn.openRound(world.league_id), sender=0)
    for _ in range(2):
        world.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    world.send(fn.fixSeed(round_id), sender=0)
    return round_id, bytes(fn.round(round_id).call()[8])


@dataclass
class Trace:
    """A match as claimed: its entries, the states they pass through and its score."""

    seed: bytes
    entries: list[bytes]
    states: list[Any]
    score: int

    @property
    def root(self) -> bytes:
        return merkle.root_from_leaf_hashes([merkle.leaf_hash(e) for e in self.entries])

    def summary(self, index: int) -> MatchSummary:
        return MatchSummary(index, self.seed, self.root, len(self.entries), self.score)


def _honest(world: World, seed: bytes) -> Trace:
    result: MatchResult = run_match(
        world.system, world.program, seed, world.params, FUEL, record_states=True
    )
    assert result.states is not None
    return Trace(seed, list(result.entries), list(result.states), result.score)


def _deviating(world: World, seed: bytes, at: int) -> Trace:
    """A cheat: at step ``at`` the claimed action is not the agent's; play goes on from there."""
    system, program = world.system, world.program
    assert program.abi is not None
    state = system.initial_state(seed, world.params)
    pre = keccak256(system.encode(state))
    entries: list[bytes] = []
    states = [state]
    while not system.is_done(state):
        decision = program.decide(system.observe(state, program.abi), FUEL)
        action = system.to_action(state, decision.value)
        assert decision.outcome == 0
        assert action is not None
        if len(entries) == at:
            action = (action + 1) % 3
        state = system.step(state, action)
        post = keccak256(system.encode(state))
        entries.append(pack_step_entry(len(entries), pre, 0, action, post))
        states.append(state)
        pre = post
    return Trace(seed, entries, states, system.score(state))


def _entry(data: bytes) -> tuple[bytes, int, int, bytes]:
    e = StepEntry.decode(data)
    return (e.pre_state_hash, e.outcome, e.action, e.post_state_hash)


def _dispute(world: World, dispute_id: int) -> list[Any]:
    return list(world.game.functions.dispute(dispute_id).call())


def _play_dispute(
    world: World,
    *,
    dispute_id: int,
    claimant: int,
    challenger: int,
    matches: list[Trace],
    m: int,
    truth: Trace,
    agree: Any,
) -> Any:
    """Both sides move until the one-step proof; returns the proof's receipt."""
    fn = world.game.functions
    summaries = [t.summary(i) for i, t in enumerate(matches)]
    root = claim_root(summaries)
    scores = [t.score for t in matches]
    claimed = matches[m]
    proof = merkle.inclusion_proof([s.encode() for s in summaries], m)
    s = summaries[m]
    world.send(
        fn.revealSummary(
            dispute_id, root, scores, (s.match_seed, s.trace_root, s.steps, s.score), proof
        ),
        claimant,
    )
    last = len(claimed.entries) - 1
    world.send(
        fn.revealFinal(
            dispute_id, _entry(claimed.entries[last]), merkle.inclusion_proof(claimed.entries, last)
        ),
        claimant,
    )
    while _dispute(world, dispute_id)[1] == AWAIT_MID:
        mid = fn.midpoint(dispute_id).call()
        world.send(
            fn.revealMidpoint(
                dispute_id,
                _entry(claimed.entries[mid]),
                merkle.inclusion_proof(claimed.entries, mid),
            ),
            claimant,
        )
        world.send(fn.answer(dispute_id, agree(mid, claimed, truth)), challenger)
    d = _dispute(world, dispute_id)
    assert d[1] == AWAIT_ONE_STEP
    lo, hi = d[6], d[7]
    lo_entry = _entry(claimed.entries[lo]) if lo >= 0 else (b"\x00" * 32, 0, 0, b"\x00" * 32)
    pre_state = world.system.encode(truth.states[hi])
    return world.send(
        fn.proveStep(dispute_id, lo_entry, _entry(claimed.entries[hi]), pre_state, world.code),
        challenger,
    )


def _verdict(world: World, receipt: Any) -> tuple[int, int]:
    (event,) = world.game.events.DisputeResolved().process_receipt(receipt, errors=DISCARD)
    return int(event["args"]["verdict"]), int(event["args"]["reason"])


def test_python_matches_agree_with_chain_seeds_and_states(world: World) -> None:
    agent_id = _new_agent(world, owner=1)
    round_id, round_seed = _new_round(world)
    for m in range(MATCHES):
        seed = match_seed(round_seed, agent_id, m)
        assert seed == bytes(world.arena.functions.matchSeed(round_id, agent_id, m).call())


def test_honest_claimant_wins_the_one_step_proof_on_the_real_interpreter(world: World) -> None:
    agent_id = _new_agent(world, owner=1)
    round_id, round_seed = _new_round(world)
    matches = [_honest(world, match_seed(round_seed, agent_id, m)) for m in range(MATCHES)]
    root = claim_root([t.summary(i) for i, t in enumerate(matches)])
    fn = world.arena.functions
    world.send(fn.submitClaim(round_id, agent_id, root, [t.score for t in matches]), sender=1)
    claim_id = (round_id << 64) | agent_id
    before = fn.balanceOf(world.account(1)).call()
    dispute_id = world.game.functions.disputeCount().call() + 1
    world.send(world.game.functions.challenge(claim_id, 0), sender=2, value=BOND)
    # A challenger who disagrees with everything ends at step 0, proven from the initial state
    # the contract computes itself.
    receipt = _play_dispute(
        world,
        dispute_id=dispute_id,
        claimant=1,
        challenger=2,
        matches=matches,
        m=0,
        truth=matches[0],
        agree=lambda mid, claimed, truth: False,
    )
    assert _verdict(world, receipt) == (CHALLENGER_LOST, STEP_VALID)
    assert receipt["gasUsed"] < MAINNET_BLOCK_GAS, "a one-step proof must fit in a block"
    assert fn.balanceOf(world.account(1)).call() == before + BOND


def test_deviating_claimant_loses_the_one_step_proof_on_the_real_interpreter(world: World) -> None:
    agent_id = _new_agent(world, owner=3)
    round_id, round_seed = _new_round(world)
    truth = [_honest(world, match_seed(round_seed, agent_id, m)) for m in range(MATCHES)]
    claimed = [truth[0], _deviating(world, truth[1].seed, at=3)]
    assert claimed[1].entries[:3] == truth[1].entries[:3]
    root = claim_root([t.summary(i) for i, t in enumerate(claimed)])
    fn = world.arena.functions
    world.send(fn.submitClaim(round_id, agent_id, root, [t.score for t in claimed]), sender=3)
    claim_id = (round_id << 64) | agent_id
    dispute_id = world.game.functions.disputeCount().call() + 1
    world.send(world.game.functions.challenge(claim_id, 1), sender=4, value=BOND)
    receipt = _play_dispute(
        world,
        dispute_id=dispute_id,
        claimant=3,
        challenger=4,
        matches=claimed,
        m=1,
        truth=truth[1],
        agree=lambda mid, claimed, truth: (
            StepEntry.decode(claimed.entries[mid]).post_state_hash
            == keccak256(world.system.encode(truth.states[mid + 1]))
        ),
    )
    assert _verdict(world, receipt) == (CLAIMANT_LOST, STEP_MISMATCH)
    assert receipt["gasUsed"] < MAINNET_BLOCK_GAS, "a one-step proof must fit in a block"
    d = _dispute(world, dispute_id)
    assert (d[6], d[7]) == (2, 3), "bisection stopped at the deviating step"
    assert bytes(fn.claimCommit(claim_id).call()) == (1).to_bytes(32, "big")
    assert fn.disqualified(agent_id, world.league_id).call()
    assert fn.balanceOf(world.account(4)).call() == BOND + SLASH // 2
