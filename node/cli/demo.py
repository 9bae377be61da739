"""`nets demo`: the showcase run on the embedded default."""

from __future__ import annotations

import click


@click.command()
def demo() -> None:
    """Run the showcase on the embedded default (no external process)."""
    click.echo("nets demo: the showcase match arrives with the match engine")
