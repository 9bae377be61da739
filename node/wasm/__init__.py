"""The agent sandbox: profile v1 validation and metered, deterministic decisions.

docs/protocol/sandbox.md is the normative description. Public API:
Outcome, Decision, AgentProgram, load_agent_file, AgentFileError, validate_profile.
"""

from __future__ import annotations

from node.wasm.files import AgentFileError, load_agent_file
from node.wasm.limits import DEFAULT_FUEL, MAX_FUEL
from node.wasm.program import AgentProgram, Decision, Outcome
from node.wasm.validator import validate_profile

__all__ = [
    "DEFAULT_FUEL",
    "MAX_FUEL",
    "AgentFileError",
    "AgentProgram",
    "Decision",
    "Outcome",
    "load_agent_file",
    "validate_profile",
]
