"""AgentProgram: one agent module, validated and compiled once, deciding many times."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from node.trace.keccak import keccak256
from node.wasm import interpreter
from node.wasm.engine import Compiled, Live
from node.wasm.limits import MAX_FUEL, V0_OBSERVATION_BYTES
from node.wasm.validator import Invalid, Module, parse_module


class Outcome(enum.IntEnum):
    """Decision outcomes; the numbers are the trace format's outcome byte."""

    OK = 0
    TRAP = 1
    OUT_OF_FUEL = 2
    INVALID_ACTION = 3
    INVALID_MODULE = 4


_OUTCOMES = tuple(Outcome)
"""Outcome by number, without the enum's lookup call on the hot path."""


@dataclass(frozen=True)
class Decision:
    """One decision: ``value`` is decide's i64 (signed), 0 unless OK."""

    outcome: Outcome
    value: int
    fuel_used: int


class AgentProgram:
    """An agent's code: hash, ABI, validity, and a compiled module ready to decide."""

    code: bytes
    code_hash: bytes
    abi: int | None
    invalid_reason: str | None

    def __init__(self, code: bytes, module: Module | None, reason: str | None) -> None:
        self.code = code
        self.code_hash = keccak256(code)
        self.abi = module.abi if module is not None else None
        self.invalid_reason = reason
        self._module = module
        self._compiled: Compiled | None = None

    @classmethod
    def load(cls, code: bytes | bytearray) -> AgentProgram:
        """Validate against profile v1 and compile, once per distinct code (the last 64 are
        kept). Never raises for any bytes."""
        return _load_cached(bytes(code))

    @classmethod
    def _load_uncached(cls, code: bytes) -> AgentProgram:
        try:
            module = parse_module(code)
        except Invalid as exc:
            return cls(code, None, str(exc))
        program = cls(code, module, None)
        try:
            program._compiled = Compiled(code, module)
        except Exception as exc:  # the engine disagreeing with the validator is a bug; stay safe
            first_line = (str(exc).splitlines() or ["?"])[0]
            return cls(code, None, f"engine rejected the module: {first_line}")
        return program

    @property
    def valid(self) -> bool:
        return self._compiled is not None

    def live(self) -> Live | None:
        """The restorable wasmtime instance (node.native drives it without Python per step);
        None for an invalid module or when wasmtime cannot make one."""
        return self._compiled.live() if self._compiled is not None else None

    def decide(self, observation: bytes | bytearray, fuel: int) -> Decision:
        """Run one decision on a fresh instance with ``fuel`` units (0..MAX_FUEL)."""
        if not 0 <= fuel <= MAX_FUEL:
            raise ValueError(f"fuel must be between 0 and {MAX_FUEL}, got {fuel}")
        if self._compiled is None or self._module is None:
            return Decision(Outcome.INVALID_MODULE, 0, 0)
        if type(observation) is not bytes:
            observation = bytes(observation)
        if self.abi == 0 and len(observation) != V0_OBSERVATION_BYTES:
            raise ValueError(
                f"ABI v0 observation must be {V0_OBSERVATION_BYTES} bytes, got {len(observation)}"
            )
        fast = self._compiled.run(observation, fuel)
        outcome, value, used = fast if fast is not None else self.reference(observation, fuel)
        return Decision(_OUTCOMES[outcome], value, used)

    def reference(self, observation: bytes, fuel: int) -> tuple[int, int, int]:
        """The reference interpreter's (outcome, value, fuel_used) for this decision."""
        assert self._module is not None
        return interpreter.run(self._module, observation, fuel)


@functools.lru_cache(maxsize=64)
def _load_cached(code: bytes) -> AgentProgram:
    return AgentProgram._load_uncached(code)
