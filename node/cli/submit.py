"""`nets submit --agent ID`: the submitter node for agents this database runs; it claims every
open round for them and answers every dispute move until the disputes end.

Both roles run as daemons through `run_role`: every event printed once as it happens
(node.roles.log), and SIGTERM or Ctrl-C stops them between steps, so the chain file and the
database are left whole and a restart resumes from the outbox and the cursor."""

from __future__ import annotations

import signal
import sys
import threading
import time
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from node.cli.chain_context import (
    SignerChoice,
    chain_options,
    open_node,
    refuse_unless_owner,
    signer_options,
)
from node.cli.common import UINT256, BadInput, console, json_option, one_line, print_json
from node.cli.executor_options import executor_options, opened_executor
from node.cli.options import AMOUNT_OR_ZERO, workers_option

if TYPE_CHECKING:
    from node.roles.common import RoleBase


MAX_INTERVAL = 86_400.0


def _interval(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not 0.05 <= value <= MAX_INTERVAL:  # also NaN, which click.FloatRange lets through
        raise click.BadParameter(f"{value} is not between 0.05 and {MAX_INTERVAL:g} seconds")
    return value


def node_options(func: Any) -> Any:
    """--chain, --db, the signer options, --once, --interval, --workers, --executor,
    --ray-address (shared with `nets verify`)."""
    options = [
        click.option("--once", is_flag=True, help="Run until idle, then exit (else follow)."),
        click.option(
            "--interval",
            default=2.0,
            show_default=True,
            type=float,
            callback=_interval,
            help=f"Seconds between steps, 0.05 to {MAX_INTERVAL:g}.",
        ),
        workers_option(),
    ]
    for option in reversed(options):
        func = option(func)
    return chain_options(signer_options(executor_options(func)))


class StopSignal:
    """SIGTERM and SIGINT ask for a stop after the current step (a step's chain actions and
    records complete together); a second signal interrupts at once."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, role: RoleBase) -> None:
        self.role = role
        self.event = threading.Event()
        self.previous: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        self.event.set()
        name = signal.Signals(signum).name
        self.role.log.notice(f"{name}: stopping after the current step", signal=name)

    def __enter__(self) -> StopSignal:
        if threading.current_thread() is threading.main_thread():
            for number in self.SIGNALS:
                self.previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)


MAX_BACKOFF = 5.0
"""Seconds between attempts while the chain is down (from --interval, doubling up to this)."""


def run_role(role: RoleBase, *, once: bool, interval: float, as_json: bool) -> bool:
    """Until idle (--once), or until a signal: step, then wait ``interval``. Events go to
    the sink for the output (JSON lines, a terminal, plain lines). True when a signal
    stopped it.

    Following, an unreachable chain is an outage, not an end: one notice, attempts with
    bounded backoff, one notice when it is back. What a step had sent stays in the outbox
    and is checked on the chain before anything is sent again."""
    from adapters.errors import ChainUnavailable
    from node.roles.log import sink_for

    role.log.sink = sink_for(as_json, console, sys.stdout)
    mode = "until idle" if once else f"every {interval:g} s"
    role.log.notice(
        f"{role.role} {role.me} on chain {role.chain_id}, stepping {mode} "
        "(Ctrl-C or SIGTERM stops after the current step)",
        address=role.me,
        chain_id=role.chain_id,
    )
    down_since: float | None = None
    delay = interval
    with StopSignal(role) as stop:
        for _ in range(MAX_ONCE_STEPS if once else sys.maxsize):
            if stop.event.is_set():
                break
            try:
                taken = role.step()
            except ChainUnavailable as exc:
                if once:
                    raise
                if down_since is None:
                    down_since = time.monotonic()
                    role.log.notice(
                        f"chain unreachable ({one_line(str(exc))}); waiting for it, retrying "
                        f"every {MAX_BACKOFF:g} s at most",
                        outage=True,
                    )
                delay = min(max(delay * 2, interval), max(MAX_BACKOFF, interval))
                if stop.event.wait(delay):
                    break
                continue
            if down_since is not None:
                role.log.notice(
                    f"chain back after {time.monotonic() - down_since:.0f} s; resuming",
                    outage=False,
                )
                down_since, delay = None, interval
            if once and taken == 0:
                break
            if not once and stop.event.wait(interval):
                break
    stopped = stop.event.is_set()
    role.log.notice("stopped: a restart resumes from here" if stopped else "idle", stopped=stopped)
    return stopped


MAX_ONCE_STEPS = 1000
"""--once stops after this many passes even if actions keep coming (as run_until_idle)."""


def print_report(report: dict[str, Any], as_json: bool) -> bool:
    """The final report: in --json the last JSON line (``"event": "report"``); False when the
    caller prints its own human summary."""
    if as_json:
        print_json({"event": "report", **report})
    return as_json


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
@click.option(
    "--stake",
    default="0",
    show_default=True,
    type=AMOUNT_OR_ZERO,
    help="Stake for --register: wei, or e.g. '2 ether'.",
)
@node_options
@json_option
def submit_cmd(
    agent_ids: tuple[int, ...],
    register_files: tuple[str, ...],
    stake: int,
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice,
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
    from node.roles.log import sink_for
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
        open_node(chain, db_url, signer) as (adapter, db, name),
        opened_executor(executor, workers, ray_address) as runner,
    ):
        known: dict[int, AgentPlan] = {}
        for agent_id in agent_ids:
            info = adapter.agent(agent_id)
            refuse_unless_owner(f"--agent {agent_id}", info.owner, adapter.address)
            row = repo.get_agent(db, adapter.chain_id, agent_id)
            stored = row.code if row is not None else None
            code = recover(adapter, agent_id, info.code_hash, stored=stored)
            if code is None:
                raise BadInput(
                    f"--agent {agent_id}: its code is neither in the database nor on chain"
                )
            repo.save_agent(db, adapter.chain_id, agent_id, info.code_hash, code=code,
                            owner=info.owner, abi_version=info.abi_version,
                            registered_block=info.registered_block, mine=True)  # fmt: skip
            known[agent_id] = AgentPlan(code, 0)
        submitter = Submitter(db, adapter, plans, adapter_name=name, executor=runner, known=known)
        submitter.log.sink = sink_for(as_json, console, sys.stdout)
        submitter.enroll()

        run_role(submitter, once=once, interval=interval, as_json=as_json)
        report = {
            "agents": sorted(submitter.agents),
            "actions": submitter.log.lines,
            "refused": submitter.log.refused,
            "warnings": submitter.log.warnings,
        }
    if not print_report(report, as_json):
        console.print(f"{len(report['actions'])} actions, {len(report['refused'])} refused")
