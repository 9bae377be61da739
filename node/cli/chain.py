"""`nets chain up|status|down`: a local anvil devnet with the project's contracts deployed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from adapters import chain_process
from adapters.anvil import AnvilError
from adapters.build import CONTRACTS_DIR
from adapters.deployments import DeploymentsError, DeploymentsFile, nets_home
from adapters.errors import AdapterError
from node.cli.common import BadInput, console, err_console, json_option, print_json

if TYPE_CHECKING:  # the web3 stack (eth-account loads py_ecc, ~1 s) is imported on use only
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
    help="Load chain state from FILE and dump it there on `down`.",
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
@json_option
def up(
    port: int,
    state_file: Path | None,
    sources: Path,
    plan_file: Path | None,
    no_deploy: bool,
    as_json: bool,
) -> None:
    """Start anvil in the background, deploy the contract set, print the URL and addresses."""
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
        process = chain_process.start(port, state_file.resolve() if state_file else None, home)
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
    if as_json:
        print_json({**_status_dict(process, contracts), "deployed_now": deployed})
        return
    console.print(f"chain up: {process.url} (chain id {process.chain_id}, pid {process.pid})")
    for name, address in contracts.items():
        note = "deployed" if name in deployed else "reused"
        console.print(f"  {name}: {address} ({note})")
    if not plan:
        console.print("  no contracts in the deploy plan")


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
    console.print(
        f"chain: running at {report.url} (pid {report.pid}), chain id {report.chain_id}, "
        f"block {report.block}"
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
