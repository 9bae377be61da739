"""`nets node resync`: rebuild this node's records from the chain, when they are ahead of it
(the chain was reset, lost, or restarted from an older saved state)."""

from __future__ import annotations

import click

from node.cli.chain_context import chain_options, open_node
from node.cli.common import console, json_option, print_json, to_jsonable


@click.group("node")
def node_group() -> None:
    """This node's own records (--db)."""


@node_group.command("resync")
@chain_options
@json_option
def resync_cmd(chain: str | None, db_url: str | None, as_json: bool) -> None:
    """Drop the records the chain can rebuild (cursors, rounds, claims, disputes, the outbox);
    the roles refold the chain's events on their next start."""
    from node.db.resync import resync

    with open_node(chain, db_url, resync=True) as (adapter, db, _name):
        report = resync(db, adapter)
    if as_json:
        print_json(to_jsonable(report))
        return
    dropped = ", ".join(f"{count} {table}" for table, count in report.dropped.items() if count)
    console.print(
        f"chain {report.chain_id} at block {report.head}: dropped {dropped or 'nothing'}; kept "
        f"leagues {report.kept_leagues or 'none'} and own agents {report.kept_agents or 'none'}"
    )
