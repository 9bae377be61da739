"""`nets wasm`: run one agent decision in the sandbox, or check a module against profile v1."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from node.cli.common import BadInput, console, json_option, parse_hex, print_json
from node.cli.options import FUEL
from node.wasm import (
    DEFAULT_FUEL,
    MAX_FUEL,
    AgentFileError,
    AgentProgram,
    Decision,
    load_agent_file,
)
from node.wasm.limits import V0_OBSERVATION_BYTES

if TYPE_CHECKING:
    from node.onchain import OnchainDecision


@dataclass(frozen=True)
class RunReport:
    outcome: str
    action: int
    fuel_used: int
    fuel: int
    abi: int | None
    agent_code_hash: bytes
    invalid_reason: str | None


@dataclass(frozen=True)
class OnchainRunReport(RunReport):
    """The off-chain report's keys plus the gas the interpreter's decide call costs."""

    gas_used: int


@dataclass(frozen=True)
class CheckReport:
    valid: bool
    abi: int | None
    agent_code_hash: bytes
    size: int
    invalid_reason: str | None


def _run_report(
    program: AgentProgram, decision: Decision | OnchainDecision, fuel: int
) -> RunReport:
    """The report of ``program``'s ``decision`` with ``fuel`` units, off-chain or on-chain."""
    return RunReport(
        outcome=decision.outcome.name.lower(),
        action=decision.value,
        fuel_used=decision.fuel_used,
        fuel=fuel,
        abi=program.abi,
        agent_code_hash=program.code_hash,
        invalid_reason=program.invalid_reason,
    )


def _load(agent: str) -> AgentProgram:
    try:
        return AgentProgram.load(load_agent_file(agent))
    except AgentFileError as exc:
        raise BadInput(str(exc)) from None


def _observation(obs: str | None, obs_u64: str | None) -> bytes:
    if (obs is None) == (obs_u64 is None):
        raise BadInput("give exactly one of --obs 0xHEX and --obs-u64 N")
    if obs is not None:
        return parse_hex(obs, what="--obs")
    assert obs_u64 is not None
    try:
        value = int(obs_u64, 0)
    except ValueError:
        raise BadInput(f"--obs-u64: not an integer: {obs_u64!r}") from None
    if not 0 <= value < 2**64:
        raise BadInput(f"--obs-u64: {value} is outside 0..2^64-1")
    return value.to_bytes(V0_OBSERVATION_BYTES, "big")


@click.group()
def wasm() -> None:
    """Agent sandbox: run decisions, check modules against agent profile v1."""


@wasm.command("run")
@click.option("--agent", "agent", required=True, help="Agent file: .wat (assembled) or .wasm.")
@click.option("--obs", "obs", default=None, help="Observation bytes as 0x-prefixed hex.")
@click.option("--obs-u64", "obs_u64", default=None, help="Observation as a u64 (8 bytes, BE).")
@click.option(
    "--fuel",
    type=FUEL,
    default=DEFAULT_FUEL,
    show_default=True,
    help=f"Fuel per decision, at most {MAX_FUEL}.",
)
@click.option(
    "--onchain",
    is_flag=True,
    help="Run the decision through the on-chain WASM interpreter (adds gas_used).",
)
@click.option(
    "--chain",
    "chain_url",
    default=None,
    help="Chain for --onchain: an RPC URL (default: a throwaway anvil).",
)
@json_option
def run_cmd(
    agent: str,
    obs: str | None,
    obs_u64: str | None,
    fuel: int,
    onchain: bool,
    chain_url: str | None,
    as_json: bool,
) -> None:
    """Run one decision on a fresh instance and print outcome, action and fuel used."""
    if chain_url is not None and not onchain:
        raise BadInput("--chain goes with --onchain")
    observation = _observation(obs, obs_u64)
    program = _load(agent)
    if program.abi == 0 and len(observation) != V0_OBSERVATION_BYTES:
        raise BadInput(
            f"ABI v0 agent needs an {V0_OBSERVATION_BYTES}-byte observation, got {len(observation)}"
        )
    report = (
        _run_onchain(program, observation, fuel, chain_url)
        if onchain
        else _run_report(program, program.decide(observation, fuel), fuel)
    )
    if as_json:
        print_json(report)
        return
    lines = [
        f"outcome          {report.outcome}",
        f"action           {report.action}",
        f"fuel_used        {report.fuel_used} / {fuel}",
        f"abi              {'-' if report.abi is None else f'v{report.abi}'}",
        f"agent_code_hash  0x{report.agent_code_hash.hex()}",
    ]
    if isinstance(report, OnchainRunReport):
        lines.append(f"gas_used         {report.gas_used}")
    if report.invalid_reason:
        lines.append(f"invalid_reason   {report.invalid_reason}")
    click.echo("\n".join(lines))


def _run_onchain(
    program: AgentProgram, observation: bytes, fuel: int, chain_url: str | None
) -> OnchainRunReport:
    """The same decision on the interpreter contract; the outcome is the contract's."""
    from adapters.errors import ChainUnavailable
    from node.onchain import run_onchain  # web3 is slow to import: only when asked for

    try:
        decision = run_onchain(program.code, observation, fuel, chain_url)
    except (
        ChainUnavailable,
        OSError,
    ) as exc:  # deploys go through the adapters, calls through web3
        raise BadInput(f"cannot reach the chain at {chain_url}: {exc}") from None
    local = _run_report(program, decision, fuel)
    return OnchainRunReport(**vars(local), gas_used=decision.gas_used)


@wasm.command("check")
@click.option("--agent", "agent", required=True, help="Agent file: .wat (assembled) or .wasm.")
@json_option
def check_cmd(agent: str, as_json: bool) -> None:
    """Check a module against agent profile v1; exit 1 if it is outside."""
    program = _load(agent)
    report = CheckReport(
        valid=program.invalid_reason is None,
        abi=program.abi,
        agent_code_hash=program.code_hash,
        size=len(program.code),
        invalid_reason=program.invalid_reason,
    )
    if as_json:
        print_json(report)
    elif report.valid:
        console.print(
            f"[green]valid[/] ABI v{report.abi}, {report.size} bytes, "
            f"code hash 0x{report.agent_code_hash.hex()}",
            soft_wrap=True,
        )
    else:
        console.print("[red]invalid[/] ", end="")
        console.print(report.invalid_reason or "", markup=False, soft_wrap=True)
    sys.exit(0 if report.valid else 1)
