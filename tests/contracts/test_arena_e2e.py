"""End to end on anvil: matches played off chain by node.match (wasmtime) are claimed on the
Arena and disputed down to the one-step proof, which runs the real system contract and the
real on-chain WASM interpreter. Python and Solidity must agree on every byte for the honest side
to win: state encodings, step entries, RFC 9162 proofs, match seeds and the agent's decision.
Every system is covered with one of its example agents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from node.match import run_match
from node.onchain import OnchainInterpreter
from node.systems.base import System, load_system
from node.trace import MatchSummary, StepEntry, claim_root, keccak256, match_seed, pack_step_entry
from node.wasm import AgentProgram

pytestmark = [pytest.mark.anvil, pytest.mark.slow]  # the real stack end to end

ARENA_SOURCES = (
    "contracts/src/interfaces/ISystem.sol",
    "contracts/src/interfaces/IDecisionVerifier.sol",
    "contracts/src/lib/Rfc9162.sol",
    "contracts/src/arena/IArenaGame.sol",
    "contracts/src/arena/DisputeGame.sol",
    "contracts/src/arena/Arena.sol",
)
AGENTS = PROJECT_ROOT / "scenarios" / "agents"
ETHER = 10**18
BOND = ETHER // 5
SLASH = ETHER // 2
FUEL = 10_000
STEP_MISMATCH, STEP_VALID = 7, 8
CLAIMANT_LOST, CHALLENGER_LOST = 0, 1
AWAIT_MID, AWAIT_ONE_STEP = 3, 5
MAINNET_BLOCK_GAS = 30_000_000
ZERO_ENTRY = (b"\x00" * 32, 0, 0, b"\x00" * 32)


@dataclass(frozen=True)
class Case:
    """A system, its contract, small params and an example agent."""

    system: str
    contract: str
    params: dict[str, int]
    agent: str


CASES = (
    Case("rps", "RpsSystem", {"rounds": 8, "history": 4}, "rps/beat_last_v0.wat"),
    Case("rps", "RpsSystem", {"rounds": 6, "history": 4}, "rps/pattern_v1.wat"),
    Case("snake", "SnakeSystem", {"width": 8, "height": 8, "max_steps": 24}, "snake/greedy_v1.wat"),
    Case("connect4", "Connect4System", {}, "connect4/leftmost_v0.wat"),
    Case(
        "predict",
        "PredictSystem",
        {"length": 8, "noise": 5, "history": 4},
        "predict/hypotheses_v1.wat",
    ),
)


@dataclass
class Chain:
    w3: Web3
    arena: Any
    game: Any
    interpreter: OnchainInterpreter

    def account(self, index: int) -> str:
        return self.w3.eth.accounts[index]

    def send(self, call: Any, sender: int, value: int = 0) -> Any:
        tx = call.transact({"from": self.account(sender), "value": value})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        return receipt


def _compile(paths: tuple[str, ...]) -> dict[str, Artifact]:
    return compile_contracts({path: (PROJECT_ROOT / path).read_text() for path in paths})


def _deploy(w3: Web3, artifact: Artifact, *args: Any) -> Any:
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    tx = factory.constructor(*args).transact({"from": w3.eth.accounts[0]})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    assert receipt["status"] == 1
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


@pytest.fixture(scope="module")
def chain(anvil: Anvil) -> Chain:
    interpreter = OnchainInterpreter.deploy(anvil.url)
    w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 120}))
    artifacts = _compile(ARENA_SOURCES)
    arena = _deploy(w3, artifacts["Arena"], interpreter.address, 86_400)
    game = w3.eth.contract(
        address=arena.functions.disputeGame().call(), abi=artifacts["DisputeGame"].abi
    )
    return Chain(w3, arena, game, interpreter)


@dataclass
class League:
    """One league of a case on the shared Arena, with the agent's code loaded off chain."""

    chain: Chain
    system: System
    params: bytes
    league_id: int
    code: bytes
    program: AgentProgram

    def new_agent(self, owner: int) -> int:
        fn = self.chain.arena.functions
        agent_id = fn.agentCount().call() + 1
        self.chain.send(
            fn.registerAgent(self.code), sender=owner
        )  # the real interpreter inspects it
        self.chain.send(fn.stake(agent_id), sender=owner, value=ETHER)
        return agent_id

    def new_round(self) -> tuple[int, bytes]:
        fn = self.chain.arena.functions
        round_id = fn.roundCount().call() + 1
        self.chain.send(fn.openRound(self.league_id), sender=0)
        for _ in range(2):  # fixSeed needs block.number > seedBlock; anvil estimates at latest
            self.chain.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        self.chain.send(fn.fixSeed(round_id), sender=0)
        return round_id, bytes(fn.round(round_id).call()[8])


def _league(chain: Chain, case: Case) -> League:
    sources = (
        "contracts/src/interfaces/ISystem.sol",
        "contracts/src/systems/SystemLib.sol",
        f"contracts/src/systems/{case.contract}.sol",
    )
    contract = _deploy(chain.w3, _compile(sources)[case.contract])
    system = load_system(case.system)
    params = system.encode_params({**system.default_params(), **case.params})
    code = bytes(wasmtime.wat2wasm((AGENTS / case.agent).read_text()))
    program = AgentProgram.load(code)
    assert program.abi is not None, program.invalid_reason
    fn = chain.arena.functions
    league_id = fn.leagueCount().call() + 1
    config = (contract.address, params, ETHER, 1, 1, FUEL, SLASH, BOND, [ETHER], 3_600, 3_600, 600)
    chain.send(fn.createLeague(config), sender=0, value=5 * ETHER)
    return League(chain, system, params, league_id, code, program)


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

    def post(self, step: int) -> bytes:
        return StepEntry.decode(self.entries[step]).post_state_hash


def _honest(league: League, seed: bytes) -> Trace:
    result = run_match(league.system, league.program, seed, league.params, FUEL, record_states=True)
    assert result.states is not None
    return Trace(seed, list(result.entries), list(result.states), result.score)


def _deviating(league: League, truth: Trace) -> tuple[int, Trace] | None:
    """A cheat: at one step the claimed action is another valid one; play goes on from there.

    Only a cheat whose final state differs from the truth's counts: a path that rejoins the
    truth (connect4 transposes moves) ends in the honest state and score, which no challenger
    disputes (docs/protocol/contracts.md). Steps nearest the middle are tried first; None when
    no step and action give such a cheat."""
    steps = len(truth.entries)
    for at in sorted(range(steps), key=lambda i: (abs(i - steps // 2), i)):
        for claimed in _deviations(league, truth.seed, at):
            if claimed.post(len(claimed.entries) - 1) != truth.post(steps - 1):
                return at, claimed
    return None


def _deviations(league: League, seed: bytes, at: int) -> Iterator[Trace]:
    """Every trace that follows the agent except at step ``at``, where it takes another valid
    action with another post-state."""
    system, program = league.system, league.program
    assert program.abi is not None
    state = system.initial_state(seed, league.params)
    prefix: list[Any] = []
    while not system.is_done(state) and len(prefix) < at:
        decision = program.decide(system.observe(state, program.abi), FUEL)
        action = system.to_action(state, decision.value) if decision.outcome == 0 else None
        if action is None:
            return  # the honest match forfeits before the deviation point
        prefix.append(action)
        state = system.step(state, action)
    if system.is_done(state):
        return
    decision = program.decide(system.observe(state, program.abi), FUEL)
    honest = system.to_action(state, decision.value) if decision.outcome == 0 else None
    honest_post = system.encode(system.step(state, honest)) if honest is not None else None
    others = dict.fromkeys(system.to_action(state, v) for v in range(256))
    for action in others:
        if action is None or action == honest:
            continue
        if system.encode(system.step(state, action)) == honest_post:
            continue
        trace = _play(league, seed, [*prefix, action])
        if trace is not None:
            yield trace


def _play(league: League, seed: bytes, forced: list[int]) -> Trace | None:
    """The trace whose first actions are ``forced`` and whose later ones the agent decides;
    None when the agent forfeits after the forced actions (no honest-looking entry exists)."""
    system, program = league.system, league.program
    assert program.abi is not None
    state = system.initial_state(seed, league.params)
    pre = keccak256(system.encode(state))
    entries: list[bytes] = []
    states = [state]
    while not system.is_done(state):
        if len(entries) < len(forced):
            action: int | None = forced[len(entries)]
        else:
            decision = program.decide(system.observe(state, program.abi), FUEL)
            action = system.to_action(state, decision.value) if decision.outcome == 0 else None
            if action is None:
                return None
        assert action is not None
        state = system.step(state, action)
        post = keccak256(system.encode(state))
        entries.append(pack_step_entry(len(entries), pre, 0, action, post))
        states.append(state)
        pre = post
    return Trace(seed, entries, states, system.score(state))


def _entry(data: bytes) -> tuple[bytes, int, int, bytes]:
    e = StepEntry.decode(data)
    return (e.pre_state_hash, e.outcome, e.action, e.post_state_hash)


def _submit(league: League, owner: int, round_id: int, agent_id: int, claimed: Trace) -> int:
    root = claim_root([claimed.summary(0)])
    league.chain.send(
        league.chain.arena.functions.submitClaim(round_id, agent_id, root, [claimed.score]),
        sender=owner,
    )
    return (round_id << 64) | agent_id


def _dispute(
    league: League,
    claim_id: int,
    claimant: int,
    challenger: int,
    claimed: Trace,
    truth: Trace,
    agree: Callable[[int], bool],
) -> tuple[tuple[int, int], int, int]:
    """Challenge match 0 and play both sides to the one-step proof; (verdict, reason), lo, hi."""
    chain = league.chain
    fn = chain.game.functions
    dispute_id = fn.disputeCount().call() + 1
    chain.send(fn.challenge(claim_id, 0), sender=challenger, value=BOND)
    s = claimed.summary(0)
    root = claim_root([s])
    summary = (s.match_seed, s.trace_root, s.steps, s.score)
    chain.send(fn.revealSummary(dispute_id, root, [claimed.score], summary, []), claimant)
    last = len(claimed.entries) - 1
    proof = merkle.inclusion_proof(claimed.entries, last)
    chain.send(fn.revealFinal(dispute_id, _entry(claimed.entries[last]), proof), claimant)
    while fn.dispute(dispute_id).call()[1] == AWAIT_MID:
        mid = fn.midpoint(dispute_id).call()
        proof = merkle.inclusion_proof(claimed.entries, mid)
        chain.send(fn.revealMidpoint(dispute_id, _entry(claimed.entries[mid]), proof), claimant)
        chain.send(fn.answer(dispute_id, agree(mid)), challenger)
    d = fn.dispute(dispute_id).call()
    assert d[1] == AWAIT_ONE_STEP
    lo, hi = d[6], d[7]
    lo_entry = _entry(claimed.entries[lo]) if lo >= 0 else ZERO_ENTRY
    pre_state = league.system.encode(truth.states[hi])
    program = league.chain.interpreter.compile(league.code)  # proveStep runs the compiled program
    call = fn.proveStep(dispute_id, lo_entry, _entry(claimed.entries[hi]), pre_state, program)
    receipt = chain.send(call, challenger)
    assert receipt["gasUsed"] < MAINNET_BLOCK_GAS, "a one-step proof must fit in a block"
    (event,) = chain.game.events.DisputeResolved().process_receipt(receipt, errors=DISCARD)
    return (int(event["args"]["verdict"]), int(event["args"]["reason"])), lo, hi


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.agent)
def test_disputes_end_as_the_rules_say_on_the_real_stack(chain: Chain, case: Case) -> None:
    league = _league(chain, case)
    fn = chain.arena.functions

    # An honest claimant against challengers who disagree with everything (proof at step 0 from
    # the initial state the contract computes) and who agree with everything (the last step).
    agent_id = league.new_agent(owner=1)
    round_id, round_seed = league.new_round()
    seed = match_seed(round_seed, agent_id, 0)
    assert seed == bytes(fn.matchSeed(round_id, agent_id, 0).call())
    honest = _honest(league, seed)
    claim_id = _submit(league, 1, round_id, agent_id, honest)
    before = fn.balanceOf(chain.account(1)).call()
    result, lo, hi = _dispute(league, claim_id, 1, 2, honest, honest, lambda mid: False)
    assert (result, lo, hi) == ((CHALLENGER_LOST, STEP_VALID), -1, 0)
    last = len(honest.entries) - 1
    result, lo, hi = _dispute(league, claim_id, 1, 2, honest, honest, lambda mid: True)
    assert (result, hi) == ((CHALLENGER_LOST, STEP_VALID), last)
    assert fn.balanceOf(chain.account(1)).call() == before + 2 * BOND

    # A claimant whose trace deviates from its agent at one step is caught at that step.
    cheater = league.new_agent(owner=3)
    round_id, round_seed = league.new_round()
    truth = _honest(league, match_seed(round_seed, cheater, 0))
    cheat = _deviating(league, truth)
    if cheat is None:
        pytest.skip(f"{case.agent}: no other action at any step changes the final state")
    at, claimed = cheat
    claim_id = _submit(league, 3, round_id, cheater, claimed)
    result, lo, hi = _dispute(
        league,
        claim_id,
        3,
        4,
        claimed,
        truth,
        lambda mid: claimed.post(mid) == truth.post(mid) if mid < len(truth.entries) else False,
    )
    assert (result, hi) == ((CLAIMANT_LOST, STEP_MISMATCH), at)
    assert fn.disqualified(cheater, league.league_id).call()
    assert fn.balanceOf(chain.account(4)).call() >= BOND + SLASH // 2
