"""The contracts the memory Arena calls: systems (node.systems twins) and the verifier.

The decision verifier is the Python sandbox (node.wasm: same profile check and the same
(outcome, value, fuel_used) as the on-chain WasmInterpreter by construction and by their
differential tests); each system contract is its byte-identical Python twin. A system that
rejects a state raises ChainError("BadState") as SystemLib does on chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.arena_ops import ArenaAddresses
from adapters.errors import ChainError
from node.systems.base import System, load_system
from node.wasm import AgentProgram, validate_profile


def inspect(code: bytes) -> tuple[bool, int]:
    """IDecisionVerifier.inspect: (valid, abiVersion) under agent profile v1."""
    if validate_profile(code) is not None:
        return False, 0
    program = AgentProgram.load(code)
    return (True, program.abi or 0) if program.valid and program.abi is not None else (False, 0)


def decide(code: bytes, observation: bytes, fuel: int) -> tuple[int, int]:
    """IDecisionVerifier.decide: (outcome, value); fuel_used is not needed by the game."""
    try:
        decision = AgentProgram.load(code).decide(observation, fuel)
    except ValueError:
        raise ChainError("BadObservation", (len(observation),)) from None
    return int(decision.outcome), decision.value


@dataclass(frozen=True)
class SystemContract:
    """ISystem over a node.systems twin, on encoded states (what the contract sees)."""

    system: System

    def _state(self, state: bytes) -> Any:
        try:
            return self.system.decode(state)
        except ValueError:
            raise ChainError("BadState") from None

    def initial_state(self, seed: bytes, params: bytes) -> bytes:
        try:
            return self.system.encode(self.system.initial_state(seed, params))
        except ValueError:
            raise ChainError("BadParams") from None

    def observe(self, state: bytes, abi_version: int) -> bytes:
        return self.system.observe(self._state(state), abi_version)

    def to_action(self, state: bytes, value: int) -> int | None:
        return self.system.to_action(self._state(state), value)

    def step(self, state: bytes, action: int) -> bytes:
        return self.system.encode(self.system.step(self._state(state), action))

    def forfeit(self, state: bytes) -> bytes:
        return self.system.encode(self.system.forfeit(self._state(state)))

    def is_done(self, state: bytes) -> bool:
        return self.system.is_done(self._state(state))

    def score(self, state: bytes) -> int:
        return self.system.score(self._state(state))


class Contracts:
    """Every address that has code on the memory chain, and the systems among them."""

    def __init__(self, addresses: ArenaAddresses) -> None:
        self.addresses = addresses
        self.systems = {
            address: SystemContract(load_system(name))
            for name, address in addresses.systems.items()
        }
        self.with_code = {
            addresses.arena,
            addresses.dispute_game,
            addresses.verifier,
            *self.systems,
        }

    def has_code(self, address: str) -> bool:
        return address in self.with_code

    def system(self, address: str) -> SystemContract | None:
        return self.systems.get(address)
