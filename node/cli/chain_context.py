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

from node.cli.common import BadInput, one_line
from node.cli.options import CHAIN_HELP
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
        help=f"{CHAIN_HELP} (default $NETS_CHAIN or memory).",
    )(func)


@contextmanager
def open_node(
    chain: str | None, db_url: str | None, account: int | None = None
) -> Iterator[tuple[ArenaAdapter, Database, str]]:
    """The adapter (sending from anvil default ``account`` when given), the database and the
    adapter's name; the chain's refusals become one-line errors.

    The chain opens first, so an unreachable chain leaves no database file behind; with
    `memory:db` the chain lives in the database, which then opens first and closes last."""
    from adapters.errors import AdapterError, ChainError, TransactionFailed
    from adapters.keys import anvil_account
    from adapters.select import MEMORY_IN_DB, chain_spec, open_chain
    from adapters.web3chain.abi import AbiEncodingError
    from node.db import IntentError
    from node.db.memory_chain import open_memory_chain
    from node.league.actions import ChainMismatch
    from node.league.definition import LeagueError

    spec = chain_spec(chain)
    signer = anvil_account(account) if account is not None else None
    name = spec.split(":", 1)[0] if spec.startswith("memory") else spec
    db = _open_database(db_url, spec) if spec == MEMORY_IN_DB else None
    try:
        opened = open_chain(chain, signer=signer) if db is None else open_memory_chain(db, signer)
        with opened:  # closing saves a memory:FILE or memory:db chain, which can fail too
            if db is None:
                try:
                    db = _open_database(db_url, spec)
                except BadInput:
                    opened.save = None  # nothing happened: do not create or rewrite the FILE
                    raise
            try:
                yield opened.adapter, db, name
            except (ChainError, TransactionFailed) as exc:
                raise click.ClickException(f"the chain refused: {one_line(str(exc))}") from None
            except ChainMismatch as exc:
                raise click.ClickException(str(exc)) from None
            except LeagueError as exc:
                raise BadInput(str(exc)) from None
            except IntentError as exc:  # e.g. a rerun asking another --stake for the same agent
                raise BadInput(
                    f"{exc}: this node recorded the action with other values (repeat them, or "
                    "use another --db)"
                ) from None
            except AbiEncodingError as exc:
                raise BadInput(f"a value does not fit the chain's types: {exc}") from None
            except AdapterError as exc:
                raise click.ClickException(f"chain {name}: {one_line(str(exc))}") from None
    except AdapterError as exc:  # opening the chain, or saving it when it closes
        raise BadInput(f"--chain: {exc}") from None
    finally:
        if db is not None:
            db.close()


def _open_database(db_url: str | None, spec: str) -> Database:
    """--db, else $NETS_DB or the default file; in memory for a plain `--chain memory`."""
    from node.db import DatabaseError, open_database

    try:
        return open_database(db_url or (MEMORY_DB if spec == "memory" else None))
    except DatabaseError as exc:
        raise BadInput(f"--db: {exc}") from None
