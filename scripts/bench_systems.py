"""Benchmark the match systems: gas of one transition on anvil (eth_estimateGas) and Python
throughput (system alone, and full matches with the good example agent through run_match).

Usage: .venv/bin/python scripts/bench_systems.py [--matches N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from web3 import Web3

from adapters.anvil import Anvil
from adapters.arena_ops import SYSTEM_CONTRACTS
from adapters.build import compile_contracts, load_sources
from adapters.toolchain import PROJECT_ROOT
from node.match import run_match
from node.systems.base import System, load_system
from node.systems.prng import keccak256
from node.wasm import DEFAULT_FUEL, AgentProgram, load_agent_file
from tests.systems.replay import snake_cycle

GOOD = {
    "snake": "greedy_v1",
    "rps": "pattern_v1",
    "connect4": "tactics_v1",
    "predict": "hypotheses_v1",
}


def _agent(name: str) -> AgentProgram:
    return AgentProgram.load(
        load_agent_file(PROJECT_ROOT / "scenarios" / "agents" / name / f"{GOOD[name]}.wat")
    )


def _intrinsic(data: bytes) -> int:
    return 21_000 + sum(16 if b else 4 for b in data)


def _trajectory(
    system: System, program: AgentProgram, seed: bytes, params: bytes
) -> list[tuple[Any, int]]:
    """(state, action) pairs of one match played by the good agent (a forfeit step left out)."""
    result = run_match(system, program, seed, params, DEFAULT_FUEL, record_states=True)
    assert result.states is not None
    return [(result.states[e.step], e.action) for e in result.step_entries() if e.outcome == 0]


def bench_gas(matches: int) -> None:
    sources = load_sources(PROJECT_ROOT / "contracts" / "src" / "systems")
    sources |= load_sources(PROJECT_ROOT / "contracts" / "src" / "interfaces")
    artifacts = compile_contracts(sources)
    with Anvil() as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        print(
            "| system | deployed bytes | step gas mean | step gas max | max at | observe v1 gas max |"
        )
        print("|---|---|---|---|---|---|")
        snake_contract: Any = None
        for name, contract_name in SYSTEM_CONTRACTS.items():
            artifact = artifacts[contract_name]
            factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
            tx = factory.constructor().transact({"from": w3.eth.accounts[0]})
            address = w3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
            contract = w3.eth.contract(address=address, abi=artifact.abi)
            system, program = load_system(name), _agent(name)
            params = system.encode_params(system.default_params())
            step_gas: list[tuple[int, str]] = []
            observe_gas: list[int] = []
            for m in range(matches):
                pairs = _trajectory(system, program, m.to_bytes(32, "big"), params)
                for state, action in pairs[:: max(1, len(pairs) // 40)] + pairs[-3:]:
                    encoded = system.encode(state)
                    call = contract.functions.step(encoded, action)
                    data = bytes.fromhex(call._encode_transaction_data()[2:])
                    gas = call.estimate_gas() - _intrinsic(data)
                    step_gas.append((gas, f"len {len(encoded)} B"))
                    obs = contract.functions.observe(encoded, 1)
                    data = bytes.fromhex(obs._encode_transaction_data()[2:])
                    observe_gas.append(obs.estimate_gas() - _intrinsic(data))
            gases = [g for g, _ in step_gas]
            worst = max(step_gas)
            if name == "snake":
                snake_contract = contract
            print(
                f"| {name} | {artifact.deployed_size} | {statistics.mean(gases):,.0f} | {worst[0]:,} "
                f"| {worst[1]} | {max(observe_gas):,} |"
            )
        bench_snake_worst_case(w3, snake_contract)


def bench_snake_worst_case(w3: Web3, contract: Any) -> None:
    """Gas of eating steps of an ever longer snake on 20 x 20 (apple placement on a full board)."""
    system = load_system("snake")
    params = system.encode_params({"width": 20, "height": 20, "max_steps": 0xFFFF})
    state = system.initial_state(bytes(32), params)
    worst: list[tuple[int, int]] = []
    rng = random.Random(0)  # snake_cycle ignores it
    while not system.is_done(state):
        action = snake_cycle(state, rng)
        nxt = system.step(state, action)
        if nxt.score > state.score and len(state.body) % 40 in (0, 39):
            call = contract.functions.step(system.encode(state), action)
            data = bytes.fromhex(call._encode_transaction_data()[2:])
            worst.append((len(state.body), call.estimate_gas() - _intrinsic(data)))
        state = nxt
    print()
    print("| snake 20x20 body length before an eating step | step execution gas |")
    print("|---|---|")
    for length, gas in worst[-12:]:
        print(f"| {length} | {gas:,} |")


def bench_python(matches: int) -> None:
    print()
    print(
        "| system | system-only steps/s (step+observe v1+encode+keccak) | run_match steps/s, good agent | mean score |"
    )
    print("|---|---|---|---|")
    for name in SYSTEM_CONTRACTS:
        system, program = load_system(name), _agent(name)
        params = system.encode_params(system.default_params())
        matches_played = []
        for m in range(matches):
            seed = m.to_bytes(32, "big")
            matches_played.append(
                (seed, [a for _, a in _trajectory(system, program, seed, params)])
            )
        # system alone: replay the recorded actions
        start, steps = time.perf_counter(), 0
        for seed, actions in matches_played:
            state = system.initial_state(seed, params)
            for action in actions:
                system.observe(state, 1)
                state = system.step(state, action)
                keccak256(system.encode(state))
                steps += 1
        system_rate = steps / (time.perf_counter() - start)
        start, steps, scores = time.perf_counter(), 0, []
        for m in range(matches):
            result = run_match(system, program, m.to_bytes(32, "big"), params, DEFAULT_FUEL)
            steps += result.steps
            scores.append(result.score)
        match_rate = steps / (time.perf_counter() - start)
        print(
            f"| {name} | {system_rate:,.0f} | {match_rate:,.0f} | {statistics.mean(scores):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=10)
    args = parser.parse_args()
    bench_gas(args.matches)
    bench_python(args.matches)


if __name__ == "__main__":
    main()
