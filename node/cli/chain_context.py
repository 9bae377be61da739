"""Opening a command's chain adapter and node database, with one-line errors.

Every chain command (`nets league`, `nets agent`, `nets submit`, `nets verify`) takes `--chain`
and `--db` and runs inside `open_node`, so they all resolve chains, databases and refusals the
same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from node.cli.common import BadInput
from node.config import DB_ENV

if TYPE_CHECKING:
    from adapters.base import ArenaAdapter
    from node.db.engine import Database

# A plain `--chain memory` lives only as long as the command, so its records go to an
# in-memory database unless --db names one (a file would then describe a chain that is gone).
MEMORY_DB = "sqlite://"


def chain_options(func: Any) -> Any:
    """--chain and --db."""
    func = click.option(
        "--db",
        "db_url",
        default=None,
        help=f"Database URL (default ${DB_ENV} or sqlite:///./nets.db; in memory for --chain memory).",
    )(func)
    return click.option(
        "--chain",
        "chain",
        default=None,
        help="memory, memory:FILE, anvil, an RPC URL or an adapter name (default $NETS_CHAIN or memory).",
    )(func)


@contextmanager
def open_node(
    chain: str | None, db_url: str | None, account: int | None = None
) -> Iterator[tuple[ArenaAdapter, Database, str]]:
    """The adapter (sending from anvil default ``account`` when given), the database and the
    adapter's name; the chain's refusals become one-line errors."""
    from adapters.errors import AdapterError, ChainError
    from adapters.keys import anvil_account
    from adapters.select import chain_spec, open_chain
    from node.db import DatabaseError, open_database
    from node.league.actions import ChainMismatch
    from node.league.definition import LeagueError

    spec = chain_spec(chain)
    try:
        db = open_database(db_url or (MEMORY_DB if spec == "memory" else None))
    except DatabaseError as exc:
        raise BadInput(f"--db: {exc}") from None
    signer = anvil_account(account) if account is not None else None
    name = spec.split(":", 1)[0] if spec.startswith("memory") else spec
    try:
        try:
            opened = open_chain(chain, signer=signer)
        except AdapterError as exc:
            raise BadInput(f"--chain: {exc}") from None
        with opened:
            try:
                yield opened.adapter, db, name
            except ChainError as exc:
                raise click.ClickException(f"the chain refused: {exc}") from None
            except ChainMismatch as exc:
                raise click.ClickException(str(exc)) from None
            except LeagueError as exc:
                raise BadInput(str(exc)) from None
    finally:
        db.close()
