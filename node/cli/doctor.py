"""`nets doctor`: is this machine ready to run a node?"""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from node.cli.common import console, json_option, print_json
from node.config import database_url
from node.doctor import run_checks


@click.command()
@click.option(
    "--db",
    "db",
    default=None,
    help="Database URL to check (default: $NETS_DB or sqlite:///./nets.db).",
)
@json_option
def doctor(db: str | None, as_json: bool) -> None:
    """Check Python, dependencies, wasmtime, anvil/forge/solc, the database and the agent
    languages' compilers; exit 1 when a required check fails."""
    checks = run_checks(database_url(db))
    healthy = all(check.ok or not check.required for check in checks)
    if as_json:
        print_json({"ok": healthy, "checks": checks})
    else:
        for check in checks:
            mark = (
                "[green]ok[/]  "
                if check.ok
                else "[red]FAIL[/]"
                if check.required
                else "[yellow]warn[/]"
            )
            hint = f"  [yellow]fix: {escape(check.fix)}[/]" if not check.ok and check.fix else ""
            console.print(f"{mark} {escape(check.name)}: {escape(check.detail)}{hint}")
    sys.exit(0 if healthy else 1)
