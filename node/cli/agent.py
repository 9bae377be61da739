"""`nets agent`: an owner's agent on chain — register (after a local profile check), stake,
unstake, withdraw and status. Every command that sends takes the signer options
(`--account`, `--key-file`, `$NETS_PRIVATE_KEY`). Registration is the submitter's enrolment, through the node's
outbox, so a rerun or a restart after a crash never registers or stakes twice, and
`nets submit --agent ID` finds the code in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from node.cli.agent_project import build_cmd, new_cmd
from node.cli.chain_context import (
    SignerChoice,
    chain_options,
    open_node,
    refuse_unless_owner,
    signer_options,
)
from node.cli.common import UINT256, BadInput, console, json_option, print_json, to_jsonable
from node.cli.league import resolve_definition
from node.cli.match import report_table
from node.cli.options import AMOUNT
from node.wasm import AgentFileError, AgentProgram, load_agent_file

if TYPE_CHECKING:
    from adapters.base import ArenaAdapter


@dataclass(frozen=True)
class AgentStatus:
    agent_id: int
    owner: str
    abi: int
    code_hash: bytes
    stake: int
    unstaking: int
    unstake_ready_at: int
    open_claims: int
    owner_withdrawable: int


AGENT_ID = UINT256
"""An Arena agent id: a uint256."""


def checked_program(path: str) -> AgentProgram:
    """The agent, refused with the validator's reason when it is outside profile v1."""
    try:
        program = AgentProgram.load(load_agent_file(path))
    except AgentFileError as exc:
        raise BadInput(str(exc)) from None
    if program.invalid_reason is not None:
        raise BadInput(f"{path}: outside agent profile v1: {program.invalid_reason}")
    return program


def status_of(adapter: ArenaAdapter, agent_id: int) -> AgentStatus:
    info = adapter.agent(agent_id)
    if int(info.owner, 16) == 0:
        raise BadInput(f"agent {agent_id}: no such agent on chain {adapter.chain_id}")
    return AgentStatus(
        agent_id=agent_id,
        owner=info.owner,
        abi=info.abi_version,
        code_hash=info.code_hash,
        stake=info.stake,
        unstaking=info.unstaking,
        unstake_ready_at=info.unstake_ready_at,
        open_claims=info.open_claims,
        owner_withdrawable=adapter.balance_of(info.owner),
    )


def _show(status: AgentStatus, as_json: bool) -> None:
    if as_json:
        print_json(status)
    else:
        console.print(report_table(f"agent {status.agent_id}", to_jsonable(status)))


@click.group("agent")
def agent() -> None:
    """An owner's agents: new, build, register, stake, unstake, withdraw, status."""


agent.add_command(new_cmd)
agent.add_command(build_cmd)


@agent.command("register")
@click.argument("file", metavar="FILE")
@click.option("--league", "league_ref", required=True, help="League NAME|FILE the stake is for.")
@click.option("--stake", required=True, type=AMOUNT, help="Stake: wei, or e.g. '2 ether'.")
@chain_options
@signer_options
@json_option
def register_cmd(
    file: str,
    league_ref: str,
    stake: int,
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice,
    as_json: bool,
) -> None:
    """Check FILE against profile v1 locally, then register it and stake for the league."""

    program = checked_program(file)
    definition = resolve_definition(league_ref)
    if stake < definition.min_stake:
        raise BadInput(
            f"--stake: {stake} wei is below the minimum stake of league {definition.name!r} "
            f"({definition.min_stake} wei)"
        )
    from node.roles.submitter import AgentPlan, Submitter

    with open_node(chain, db_url, signer) as (adapter, db, name):
        # The submitter's enrolment: the same outbox keys and agents row as `nets submit`.
        submitter = Submitter(
            db, adapter, [AgentPlan(program.code, stake, label=file)], adapter_name=name
        )
        enrolled = submitter.enroll()
        if len(enrolled) != 1:
            raise click.ClickException("registration did not complete: run the command again")
        (agent_id,) = enrolled
        _show(status_of(adapter, agent_id), as_json)


@agent.command("status")
@click.argument("agent_id", type=AGENT_ID)
@chain_options
@json_option
def status_cmd(agent_id: int, chain: str | None, db_url: str | None, as_json: bool) -> None:
    """Stake, unstaking amount and time, open claims and the owner's withdrawable balance."""
    with open_node(chain, db_url) as (adapter, _db, _name):
        _show(status_of(adapter, agent_id), as_json)


@agent.command("stake")
@click.argument("agent_id", type=AGENT_ID)
@click.option("--amount", required=True, type=AMOUNT, help="Stake to add: wei, or '1 ether'.")
@chain_options
@signer_options
@json_option
def stake_cmd(
    agent_id: int,
    amount: int,
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice,
    as_json: bool,
) -> None:
    """Add stake to a registered agent (its owner only)."""
    from node.league import funds

    with open_node(chain, db_url, signer) as (adapter, db, _name):
        _owned(status_of(adapter, agent_id), adapter.address)
        funds.add_stake(db, adapter, agent_id, amount)
        _show(status_of(adapter, agent_id), as_json)


def _owned(status: AgentStatus, sender: str) -> None:
    """Refuse before sending when the key is not the agent's owner's."""
    refuse_unless_owner(f"agent {status.agent_id}", status.owner, sender)


@agent.command("unstake")
@click.argument("agent_id", type=AGENT_ID)
@click.option("--amount", default=None, type=AMOUNT, help="Request to unstake this much.")
@click.option("--finalize", is_flag=True, help="Move matured unstaked funds to the balance.")
@chain_options
@signer_options
@json_option
def unstake_cmd(
    agent_id: int,
    amount: int | None,
    finalize: bool,
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice,
    as_json: bool,
) -> None:
    """Request an unstake (after the delay, --finalize makes it withdrawable)."""
    if (amount is None) == (not finalize):
        raise BadInput("give exactly one of --amount and --finalize")
    from node.league import funds

    with open_node(chain, db_url, signer) as (adapter, db, _name):
        status = status_of(adapter, agent_id)  # refuses an unknown agent with one line
        if amount is not None:  # finalizing is anyone's to do; requesting is the owner's
            _owned(status, adapter.address)
        if amount is None:
            funds.finalize_unstake(db, adapter, agent_id)
        else:
            funds.request_unstake(db, adapter, agent_id, amount)
        _show(status_of(adapter, agent_id), as_json)


@agent.command("withdraw")
@click.option(
    "--amount", "asked", default=None, type=AMOUNT, help="How much (default: everything)."
)
@chain_options
@signer_options
@json_option
def withdraw_cmd(
    asked: int | None,
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice,
    as_json: bool,
) -> None:
    """Withdraw what the Arena owes this account (pull payment)."""
    from node.league import funds

    with open_node(chain, db_url, signer) as (adapter, db, _name):
        owed = adapter.balance_of(adapter.address)
        amount = owed if asked is None else asked
        if amount == 0:
            raise BadInput(f"nothing to withdraw for {adapter.address}")
        if amount > owed:
            raise BadInput(f"--amount: {amount} wei is more than the {owed} wei owed")
        funds.withdraw(db, adapter, amount)
        report = {"account": adapter.address, "withdrawn": amount, "remaining": owed - amount}
    if as_json:
        print_json(report)
    else:
        console.print(
            f"withdrew {amount} wei to {report['account']}; {report['remaining']} wei left"
        )
