"""`nets doctor`: is this machine ready to run a node?"""

from __future__ import annotations

import click


@click.command()
def doctor() -> None:
    """Check the toolchain, dependencies and database."""
