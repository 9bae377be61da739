"""`nets submit --agent ID`: the submitter node for agents this database runs; it claims every
open round for them and answers every dispute move until the disputes end."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from node.cli.chain_context import chain_options, open_node
from node.cli.common import (
    UINT256,
    BadInput,
    console,
    err_console,
    json_option,
    one_line,
    print_json,
)
from node.cli.executor_options import executor_options, opened_executor

if TYPE_CHECKING:
    from node.roles.common import RoleBase


MAX_INTERVAL = 86_400.0


def _interval(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not 0.05 <= value <= MAX_INTERVAL:  # also NaN, which click.FloatRange lets through
        raise click.BadParameter(f"{value} is not between 0.05 and {MAX_INTERVAL:g} seconds")
    return value


def node_options(func: Any) -> Any:
    """--chain, --db, --account, --once, --interval, --workers, --executor, --ray-address
    (shared with `nets verify`)."""
    options = [
        click.option(
            "--account",
            type=click.IntRange(0, 9),
            default=None,
            help="Send from this anvil default account (memory and anvil devnets only).",
        ),
        click.option("--once", is_flag=True, help="Run until idle, then exit (else follow)."),
        click.option(
            "--interval",
            default=2.0,
            show_default=True,
            type=float,
            callback=_interval,
            help=f"Seconds between steps, 0.05 to {MAX_INTERVAL:g}.",
        ),
        click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64)),
    ]
    for option in reversed(options):
        func = option(func)
    return chain_options(executor_options(func))


MAX_BACKOFF = 5.0
"""Seconds between attempts while the chain is down (from --interval, doubling up to this)."""


def run_role(role: RoleBase, once: bool, interval: float, on_step: Callable[[], None]) -> None:
    """Until idle (--once), or forever: step, report, sleep. Ctrl-C stops between steps.

    Following, an unreachable chain is an outage, not an end: one status line, attempts with
    bounded backoff, one line when it is back. What a step had sent stays in the outbox and
    is checked on the chain before anything is sent again."""
    from adapters.errors import ChainUnavailable

    warned = 0
    if once:
        role.run_until_idle()
        _warn(role.log.warnings)
        return
    down_since: float | None = None
    delay = interval
    try:
        while True:
            try:
                if role.step():
                    on_step()
            except ChainUnavailable as exc:
                if down_since is None:
                    down_since = time.monotonic()
                    err_console.print(
                        f"chain unreachable ({one_line(str(exc))}); waiting for it, retrying "
                        f"every {MAX_BACKOFF:g}s at most",
                        markup=False,
                    )
                delay = min(max(delay * 2, interval), max(MAX_BACKOFF, interval))
                time.sleep(delay)
                continue
            if down_since is not None:
                err_console.print(
                    f"chain back after {time.monotonic() - down_since:.0f}s; resuming",
                    markup=False,
                )
                down_since, delay = None, interval
            warned = _warn(role.log.warnings, warned)
            time.sleep(interval)
    except KeyboardInterrupt:
        return


def _warn(warnings: list[str], shown: int = 0) -> int:
    """Print the warnings not shown yet (stderr, loud); returns how many are shown."""
    for line in warnings[shown:]:
        err_console.print(f"[bold red]{escape(line)}[/]")
    return len(warnings)


@click.command("submit")
@click.option(
    "--agent",
    "agent_ids",
    multiple=True,
    type=UINT256,
    help="Agent id (code in the db).",
)
@click.option(
    "--register",
    "register_files",
    multiple=True,
    help="Agent module (.wat/.wasm) to register and stake first (once per code and owner).",
)
@click.option("--stake", default=0, show_default=True, type=UINT256, help="Wei.")
@node_options
@json_option
def submit_cmd(
    agent_ids: tuple[int, ...],
    register_files: tuple[str, ...],
    stake: int,
    chain: str | None,
    db_url: str | None,
    account: int | None,
    once: bool,
    interval: float,
    workers: int,
    executor: str,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Claim open rounds for the agents and defend every claim in its disputes."""
    from node.cli.agent import checked_program
    from node.db import repo
    from node.roles.codes import recover
    from node.roles.submitter import AgentPlan, Submitter

    if not agent_ids and not register_files:
        raise BadInput("give --agent ID or --register FILE")
    plans = []
    for path in register_files:  # checked against profile v1 here, before any chain work
        try:
            program = checked_program(path)
        except BadInput as exc:
            raise BadInput(f"--register: {exc.format_message()}") from None
        plans.append(AgentPlan(program.code, stake, label=path))
    with (
        open_node(chain, db_url, account) as (adapter, db, name),
        opened_executor(executor, workers, ray_address) as runner,
    ):
        known: dict[int, AgentPlan] = {}
        for agent_id in agent_ids:
            info = adapter.agent(agent_id)
            if info.owner.lower() != adapter.address.lower():
                raise BadInput(f"--agent {agent_id}: not owned by {adapter.address}")
            row = repo.get_agent(db, adapter.chain_id, agent_id)
            stored = row.code if row is not None else None
            code = recover(adapter, info.code_hash, stored=stored, event=None, book={})
            if code is None:
                raise BadInput(f"--agent {agent_id}: no code for it in the database")
            repo.save_agent(db, adapter.chain_id, agent_id, info.code_hash, code=code,
                            owner=info.owner, abi_version=info.abi_version,
                            registered_block=info.registered_block, mine=True)  # fmt: skip
            known[agent_id] = AgentPlan(code, 0)
        submitter = Submitter(db, adapter, plans, adapter_name=name, executor=runner, known=known)
        submitter.enroll()

        def show() -> None:
            if not as_json:
                for line in submitter.log.lines[-5:]:
                    console.print(line, markup=False)

        run_role(submitter, once, interval, show)
        report = {
            "agents": sorted(submitter.agents),
            "actions": submitter.log.lines,
            "refused": submitter.log.refused,
            "warnings": submitter.log.warnings,
        }
    if as_json:
        print_json(report)
    else:
        console.print(f"{len(report['actions'])} actions, {len(report['refused'])} refused")
