"""`nets chain up|status|down`: a local anvil devnet with the project's contracts deployed;
`nets chain mine|advance`: move a chain's blocks and clock by hand (tests, scripting)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from adapters import chain_process
from adapters.anvil import DEFAULT_BLOCK_TIME, AnvilError
from adapters.build import CONTRACTS_DIR
from adapters.deployments import DeploymentsError, DeploymentsFile, nets_home
from adapters.errors import AdapterError
from node.cli.common import BadInput, console, err_console, json_option, one_line, print_json

MAX_BLOCK_TIME = 3_600.0
MAX_MINE = 100_000
MAX_ADVANCE = 100 * 365 * 86_400
ACCOUNTS = 10

if TYPE_CHECKING:  # the web3 stack (eth-account loads py_ecc, ~1 s) is imported on use only
    from adapters.base import ChainAdapter
    from adapters.deploy import DeploySpec


@dataclass
class ChainStatus:
    running: bool
    url: str | None = None
    pid: int | None = None
    chain_id: int | None = None
    block: int | None = None
    state_file: str | None = None
    log_path: str | None = None
    block_time: float | None = None
    contracts: dict[str, str] = field(default_factory=dict)


@click.group()
def chain() -> None:
    """Local devnet: start anvil with the contracts deployed, inspect it, stop it."""


@chain.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="RPC port (0: a free one).")
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Load chain state from FILE, save it there every --state-interval and on `down`.",
)
@click.option(
    "--state-interval",
    type=click.IntRange(1, 86_400),
    default=1,
    show_default=True,
    help="Seconds between saves of --state (a killed chain restarts from the last one).",
)
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    default=CONTRACTS_DIR,
    show_default=True,
    help="Solidity tree to compile.",
)
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON deploy plan (default: the project's registered plan).",
)
@click.option("--no-deploy", is_flag=True, help="Start the chain only.")
@click.option(
    "--block-time",
    type=click.FloatRange(0, MAX_BLOCK_TIME),
    default=DEFAULT_BLOCK_TIME,
    show_default=True,
    help="Seconds between blocks mined by time alone, so deadlines pass on an idle chain "
    "(transactions still mine at once; 0: only transactions mine).",
)
@json_option
def up(
    port: int,
    state_file: Path | None,
    state_interval: int,
    sources: Path,
    plan_file: Path | None,
    no_deploy: bool,
    block_time: float,
    as_json: bool,
) -> None:
    """Start anvil in the background, deploy the contract set, print the URL, the addresses
    and the dev accounts."""
    from adapters.build import CompileError
    from adapters.deploy import DEPLOY_PLAN, DeployError, load_plan

    home = nets_home()
    current = chain_process.read_state(home)
    if current is not None and chain_process.is_running(current):
        raise BadInput(f"a chain is already running at {current.url} (pid {current.pid})")
    if port and chain_process.port_in_use(port):
        raise BadInput(f"port {port} is in use")
    if state_file is not None and not state_file.parent.is_dir():
        raise BadInput(f"--state: directory {state_file.parent} does not exist")
    if state_file is not None and state_file.exists():
        _check_state_file(state_file)
    if not no_deploy and not sources.is_dir():
        raise BadInput(f"--sources: {sources} is not a directory")
    try:
        plan = (load_plan(plan_file) if plan_file else list(DEPLOY_PLAN)) if not no_deploy else []
    except DeployError as exc:
        raise BadInput(str(exc)) from None
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"NETS_HOME: cannot use {home}: {exc.strerror or exc}") from None
    try:
        process = chain_process.start(
            port,
            state_file.resolve() if state_file else None,
            home,
            state_interval=state_interval if state_file else None,
            block_time=block_time,
        )
    except AnvilError as exc:
        raise click.ClickException(f"anvil did not start: {str(exc).splitlines()[0]}") from None
    try:
        contracts, deployed = _deploy(process.url, process.chain_id, plan, sources, home)
    except (CompileError, DeployError, DeploymentsError, AdapterError, OSError) as exc:
        _abandon(process, home)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise click.ClickException(f"deployment failed, chain stopped: {message}") from None
    except BaseException:
        _abandon(process, home)
        raise
    accounts = _dev_accounts()
    if as_json:
        print_json(
            {
                **_status_dict(process, contracts),
                "deployed_now": deployed,
                "accounts": [{"index": i, "address": a} for i, a in enumerate(accounts)],
            }
        )
        return
    mining = f"a block every {block_time:g} s" if block_time else "blocks on transactions only"
    console.print(
        f"chain up: {process.url} (chain id {process.chain_id}, pid {process.pid}, {mining})",
        soft_wrap=True,
    )
    for name, address in contracts.items():
        note = "deployed" if name in deployed else "reused"
        console.print(f"  {name}: {address} ({note})")
    if not plan:
        console.print("  no contracts in the deploy plan")
    console.print("dev accounts (anvil's public test keys, 10,000 ETH each; 0 deployed):")
    for index, address in enumerate(accounts):
        console.print(f"  {index}: {address}")
    for line in (
        f"use it:  nets ... --chain {process.url} --account N   (N: a dev account above)",
        f"         export NETS_CHAIN={process.url}   (the default --chain from then on)",
        "stop it: nets chain down",
    ):
        console.print(line, markup=False, soft_wrap=True)


def _dev_accounts() -> list[str]:
    from adapters.keys import anvil_account

    return [anvil_account(i).address for i in range(ACCOUNTS)]


def _check_state_file(path: Path) -> None:
    """An existing --state file must look like anvil's JSON state: anvil fails on anything else
    only after starting, and waits out its 30 s start timeout on a device like /dev/zero."""
    if not path.is_file():
        raise BadInput(f"--state: {path} is not a regular file")
    try:
        with path.open("rb") as source:
            head = source.read(4096).lstrip()
    except OSError as exc:
        raise BadInput(f"--state: cannot read {path}: {exc.strerror or exc}") from None
    if not head.startswith(b"{"):
        raise BadInput(f"--state: {path} is not an anvil state file (a JSON object)")


def _abandon(process: chain_process.ChainProcess, home: Path) -> None:
    chain_process.stop(process)
    chain_process.clear_state(home)


def _deploy(
    url: str, chain_id: int, plan: list[DeploySpec], sources: Path, home: Path
) -> tuple[dict[str, str], list[str]]:
    from adapters.deploy import compile_set, deploy
    from adapters.keys import resolve_signer
    from adapters.web3chain import Web3Chain

    if not plan:
        return {}, []
    chain = Web3Chain(url, resolve_signer(chain_id=chain_id))
    record, deployed = deploy(
        chain, plan, compile_set(sources), DeploymentsFile(home / "deployments.json")
    )
    return record.addresses(), deployed


def _status_dict(
    process: chain_process.ChainProcess, contracts: dict[str, str]
) -> dict[str, object]:
    return {
        "running": True,
        "url": process.url,
        "pid": process.pid,
        "chain_id": process.chain_id,
        "contracts": contracts,
    }


@chain.command()
@json_option
def status(as_json: bool) -> None:
    """Is the devnet running? URL, chain id, block and deployed contracts; exit 1 if not."""
    home = nets_home()
    report = ChainStatus(running=False)
    process = chain_process.read_state(home)
    if process is not None and chain_process.is_running(process):
        report = ChainStatus(
            running=True,
            url=process.url,
            pid=process.pid,
            state_file=process.state_file,
            log_path=process.log_path,
            block_time=process.block_time,
        )
        from adapters.web3chain import Web3Chain

        try:
            probe = Web3Chain(process.url, timeout=2.0)
            report.chain_id = probe.chain_id
            report.block = probe.block_number()
            deployment = DeploymentsFile(home / "deployments.json").get(report.chain_id)
            if deployment is not None:
                report.contracts = deployment.addresses()
        except (AdapterError, DeploymentsError) as exc:
            report.running = False
            err_console.print(f"[yellow]warning:[/] {escape(str(exc).splitlines()[0])}")
    if as_json:
        print_json(report)
    elif not report.running:
        console.print("chain: not running")
    if not report.running:
        raise SystemExit(1)
    if as_json:
        return
    mining = f"a block every {report.block_time:g} s" if report.block_time else "on transactions"
    console.print(
        f"chain: running at {report.url} (pid {report.pid}), chain id {report.chain_id}, "
        f"block {report.block}, mining {mining}",
        soft_wrap=True,
    )
    for name, address in report.contracts.items():
        console.print(f"  {name}: {address}", markup=False)


@chain.command()
@json_option
def down(as_json: bool) -> None:
    """Stop the devnet started by `nets chain up` (its --state file is written on the way)."""
    home = nets_home()
    process = chain_process.read_state(home)
    stopped = process is not None and chain_process.stop(process)
    try:
        chain_process.clear_state(home)
    except OSError as exc:  # nothing could be recorded there: NETS_HOME is a file or below one
        raise BadInput(f"NETS_HOME: cannot use {home}: {exc.strerror or exc}") from None
    if as_json:
        print_json({"stopped": stopped, "pid": process.pid if process else None})
    elif stopped and process is not None:
        console.print(f"chain down: stopped pid {process.pid} ({process.url})")
    else:
        console.print("chain: not running")


def _time_options(func: Any) -> Any:
    func = click.option(
        "--db",
        "db_url",
        default=None,
        help="Database URL holding a `memory:db` chain (default $NETS_DB or sqlite:///./nets.db).",
    )(func)
    return click.option(
        "--chain",
        "chain_option",
        default=None,
        help="memory:FILE, memory:db or an RPC URL (default $NETS_CHAIN, else the devnet of "
        "`nets chain up`).",
    )(func)


@contextmanager
def _lasting_chain(chain_option: str | None, db_url: str | None) -> Iterator[ChainAdapter]:
    """A chain that outlives this command, opened for time control only (no contract
    bindings, nothing compiled); a memory chain is saved when the block closes."""
    from adapters.select import CHAIN_ENV, MEMORY_IN_DB, chain_spec, open_chain
    from adapters.web3chain import Web3Chain
    from node.cli.chain_context import open_database_for
    from node.db.memory_chain import open_memory_chain

    if chain_option or os.environ.get(CHAIN_ENV):
        spec = chain_spec(chain_option)
    else:
        process = chain_process.read_state(nets_home())
        if process is None or not chain_process.is_running(process):
            raise BadInput("no chain running: start one with `nets chain up`, or give --chain")
        spec = process.url
    if spec in ("memory", "anvil"):
        raise BadInput(
            f"--chain {spec} lives only as long as one command: use memory:FILE, memory:db or "
            "the URL of `nets chain up`"
        )
    try:
        if spec == MEMORY_IN_DB:
            db = open_database_for(db_url, spec)
            try:
                with open_memory_chain(db) as opened:
                    yield opened.adapter
            finally:
                db.close()
        elif spec.startswith("memory:"):
            with open_chain(spec) as opened:
                yield opened.adapter
        elif spec.startswith(("http://", "https://")):
            yield Web3Chain(spec)
        else:
            raise BadInput(f"--chain {spec}: give memory:FILE, memory:db or an RPC URL")
    except AdapterError as exc:
        raise BadInput(f"--chain {spec}: {one_line(str(exc))}") from None


def _report_head(adapter: ChainAdapter, as_json: bool, verb: str) -> None:
    from node.times import utc

    block, now = adapter.block_number(), adapter.block_time()
    if as_json:
        print_json({"block": block, "time": now})
    else:
        console.print(f"{verb}: block {block} at {utc(now)} ({now})")


@chain.command()
@click.argument("blocks", type=click.IntRange(1, MAX_MINE), default=1)
@_time_options
@json_option
def mine(blocks: int, chain_option: str | None, db_url: str | None, as_json: bool) -> None:
    """Mine BLOCKS empty blocks (default 1) on a devnet or a kept memory chain."""
    with _lasting_chain(chain_option, db_url) as adapter:
        adapter.mine(blocks)
        _report_head(adapter, as_json, f"mined {blocks}")


@chain.command()
@click.option(
    "--seconds", type=click.IntRange(1, MAX_ADVANCE), required=True, help="How far to move."
)
@_time_options
@json_option
def advance(seconds: int, chain_option: str | None, db_url: str | None, as_json: bool) -> None:
    """Move the chain's clock forward by SECONDS in one new block (evm_increaseTime + mine)."""
    with _lasting_chain(chain_option, db_url) as adapter:
        adapter.increase_time(seconds)
        _report_head(adapter, as_json, f"advanced {seconds} s")
