"""`nets demo`: a full league round on the embedded memory chain (or a throwaway anvil): honest
agents, one cheater, one hostile agent; the verifier catches and slashes the cheater through
the dispute game; settlement and balances are printed, traces and the database are kept."""

from __future__ import annotations

from contextlib import nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from node.cli.common import (
    BadInput,
    console,
    err_console,
    json_option,
    print_json,
    titled_table,
)
from node.cli.options import CHAIN_HELP, output_option, workers_option

if TYPE_CHECKING:
    from adapters.base import ArenaAdapter
    from node.db.engine import Database

DEFAULT_OUT = Path("runs/demo")
DEFAULT_DB_NAME = "nets.db"


@click.command()
@click.option(
    "--chain",
    type=click.Choice(["memory", "anvil"]),
    default="memory",
    show_default=True,
    help=f"{CHAIN_HELP}: here memory or anvil only.",
)
@workers_option()
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Database URL (default: a fresh sqlite file runs/demo/nets.db, replaced on each run).",
)
@output_option("Directory the traces are written to.", default=str(DEFAULT_OUT), show_default=True)
@click.option(
    "--full-addresses", is_flag=True, help="Print whole addresses (else their first 12 characters)."
)
@click.option(
    "--dashboard",
    "dashboard_port",
    type=click.IntRange(0, 65535),
    default=None,
    is_flag=False,
    flag_value=8750,
    help="Then serve the round in `nets dashboard` on 127.0.0.1 (port 8750 unless given).",
)
@json_option
def demo(
    chain: str,
    workers: int,
    db_url: str | None,
    out: str,
    full_addresses: bool,
    dashboard_port: int | None,
    as_json: bool,
) -> None:
    """Run a full league round with a cheater and a hostile agent, and settle it."""
    from adapters.errors import AdapterError
    from adapters.select import open_chain
    from node.db.engine import DatabaseError, open_database
    from node.roles.showcase import run_demo

    if not out.strip():
        raise BadInput("--output: empty path")  # Path("") would be the working directory
    out_dir = Path(out)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"--output: cannot create {out_dir}: {exc.strerror or exc}") from None
    if db_url is None:
        path = out_dir / DEFAULT_DB_NAME
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        db_url = f"sqlite:///{path}"
    try:
        db = open_database(db_url)
    except DatabaseError as exc:
        if created:  # the run never started: leave no empty --output directory behind
            with suppress(OSError):
                out_dir.rmdir()
        raise BadInput(f"--db: {exc}") from None
    try:
        try:
            opened = open_chain(chain)
        except AdapterError as exc:
            raise click.ClickException(f"--chain {chain}: {exc}") from None
        # Progress on stderr: one line per phase (a log when stderr is not a terminal), under
        # a spinner that shows the demo is alive. --json keeps both streams to JSON.
        status = nullcontext() if as_json else err_console.status("starting", spinner="dots")
        with opened:
            with status:

                def phase(text: str) -> None:
                    if not as_json:
                        err_console.print(f"[dim]demo:[/] {escape(text)}")

                result = run_demo(
                    db, opened.adapter, adapter_name=chain, workers=workers, out=out_dir,
                    progress=phase,
                )  # fmt: skip
            if dashboard_port is not None:  # the chain lives only as long as this command
                _print(result, db_url, full_addresses)
                _serve(db, opened.adapter, out_dir, dashboard_port)
                return
    finally:
        db.close()
    result.extra["database"] = db_url
    if as_json:
        print_json(result.to_json() | {"database": db_url})
        return
    _print(result, db_url, full_addresses)


def _serve(db: Database, adapter: ArenaAdapter, out_dir: Path, port: int) -> None:
    from node.cli.dashboard import serve
    from node.dashboard import Source

    source = Source(db, adapter.chain_id, adapter)
    console.print(f"the demo round: http://127.0.0.1:{port}/rounds/1", markup=False)
    serve(source, traces=out_dir, host="127.0.0.1", port=port, token=None)


def _print(result: object, db_url: str, full_addresses: bool) -> None:
    from node.roles.showcase import DemoResult

    assert isinstance(result, DemoResult)
    table = titled_table(
        f"round {result.round_id} of league {result.league_id} ({result.chain} chain): settlement"
    )
    for column in ("agent", "entrant", "scores", "total", "claim", "rank", "reward", "stake", "DQ"):
        table.add_column(
            column, justify="right" if column in ("total", "reward", "stake") else "left"
        )
    for a in result.agents:
        style = "red" if a.status == "voided" else ("green" if a.reward else "")
        table.add_row(
            str(a.agent_id), a.label, ",".join(map(str, a.scores)), str(a.total), a.status,
            "-" if a.rank is None else str(a.rank + 1), f"{a.reward:,}", f"{a.stake:,}",
            "yes" if a.disqualified else "", style=style,
        )  # fmt: skip
    console.print(table)
    disputes = titled_table("disputes")
    for column in ("id", "agent", "match", "verdict", "reason", "moves", "final lo..hi"):
        disputes.add_column(column)
    for d in result.disputes:
        disputes.add_row(
            str(d["disputeId"]), str(d["agentId"]), str(d["match"]), str(d["verdict"]),
            str(d["reason"]), str(d["moves"]), f"{d['bisection'][0]}..{d['bisection'][1]}",
        )  # fmt: skip
    console.print(disputes)
    balances = titled_table("Arena balances (withdrawable, wei)")
    for column in ("account", "role", "address", "balance"):
        whole = column == "address" and full_addresses  # never cut, even past the width
        balances.add_column(
            column,
            justify="right" if column == "balance" else "left",
            no_wrap=whole,
            overflow="ignore" if whole else "ellipsis",
        )
    for b in result.balances:
        balances.add_row(
            "" if b["account"] is None else str(b["account"]), b["role"],
            b["address"] if full_addresses else b["address"][:12],
            f"{b['arenaBalance']:,}",
        )  # fmt: skip
    console.print(balances)
    v = result.verifier
    console.print(
        f"verifier: {v['verified']} claims replayed, {len(v['challenged'])} challenged, "
        f"{len(v['won'])} won, {len(v['lost'])} lost"
    )
    for line in result.refused:
        console.print(f"refused at registration: {line}", markup=False)
    console.print(
        "entrants: greedy, simple, guest honest; CHEATER runs simple but claims the games of "
        "greedy (a better policy); hostile loops forever and forfeits every match"
    )
    console.print(f"traces: {result.trace_dir}   database: {db_url}", markup=False)
    console.print(
        f"round played, claimed, verified, disputed and settled in {result.seconds:.1f} s"
    )
