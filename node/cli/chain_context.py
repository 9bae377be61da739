"""Opening a command's chain adapter and node database, with one-line errors.

Every chain command (`nets league`, `nets agent`, `nets submit`, `nets verify`) takes `--chain`
and `--db` and runs inside `open_node`, so they all resolve chains, databases and refusals the
same way. Every command that sends also takes the signer options (`signer_options`): the same
key choice on every adapter.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from node.cli.common import BadInput, one_line
from node.cli.options import CHAIN_HELP
from node.config import DB_ENV

if TYPE_CHECKING:
    from adapters.base import ArenaAdapter
    from adapters.errors import ChainError
    from adapters.keys import Signer
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


@dataclass(frozen=True)
class SignerChoice:
    """Who a command sends as: ``--account N``, ``--key-file PATH`` (with
    ``--password-file``), or neither (then $NETS_KEYSTORE, $NETS_PRIVATE_KEY, else anvil's
    account 0 on a devnet: adapters.keys.resolve_signer)."""

    account: int | None = None
    key_file: str | None = None
    password_file: str | None = None

    def signer(self) -> Signer | None:
        """The chosen key, or None for the default; BadInput with one line when it does not
        load (the message names the file, never the key)."""
        from adapters.keys import KeyLoadError, anvil_account, from_keystore, password_from_file

        if self.account is not None and self.key_file is not None:
            raise BadInput("give at most one of --account and --key-file")
        if self.password_file is not None and self.key_file is None:
            raise BadInput("--password-file: only with --key-file")
        try:
            if self.account is not None:
                return anvil_account(self.account)
            if self.key_file is None:
                return None
            password = (
                password_from_file(Path(self.password_file))
                if self.password_file is not None
                else None
            )
            return from_keystore(Path(self.key_file), password)
        except KeyLoadError as exc:
            option = "--account" if self.account is not None else "--key-file"
            raise BadInput(f"{option}: {exc}") from None


def signer_options(func: Any) -> Any:
    """--account, --key-file, --password-file (every command that sends), handed to the
    command as one ``signer: SignerChoice`` argument."""

    @functools.wraps(func)
    def command(
        *args: Any, account: int | None, key_file: str | None, password_file: str | None,
        **kwargs: Any,
    ) -> Any:  # fmt: skip
        return func(*args, signer=SignerChoice(account, key_file, password_file), **kwargs)

    options = [
        click.option(
            "--account",
            type=click.IntRange(0, 9),
            default=None,
            help="Send from this anvil default account (devnets: memory, anvil).",
        ),
        click.option(
            "--key-file",
            default=None,
            metavar="PATH",
            help="Send with this keystore (eth-account V3 JSON).",
        ),
        click.option(
            "--password-file",
            default=None,
            metavar="PATH",
            help="The keystore's password (first line; else $NETS_KEY_PASSWORD or a prompt).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextmanager
def open_node(
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice | None = None,
    *,
    resync: bool = False,
) -> Iterator[tuple[ArenaAdapter, Database, str]]:
    """The adapter (sending as ``signer`` chooses), the database and the adapter's name; the
    chain's refusals become one-line errors.

    The chain opens first, so an unreachable chain leaves no database file behind; with
    `memory:db` the chain lives in the database, which then opens first and closes last."""
    from sqlalchemy.exc import DBAPIError

    from adapters.errors import (
        AbiEncodingError,
        AdapterError,
        ChainError,
        ChainReorg,
        TransactionFailed,
    )
    from adapters.keys import KeyLoadError
    from adapters.memory.persist import MemoryFileError
    from adapters.select import MEMORY_IN_DB, chain_spec, open_chain
    from node.db import IntentError
    from node.db.memory_chain import open_memory_chain
    from node.league.actions import ChainMismatch
    from node.league.definition import LeagueError

    spec = chain_spec(chain)
    sender = (signer or SignerChoice()).signer()
    if spec == "anvil":
        warn_throwaway()
    name = spec.split(":", 1)[0] if spec.startswith("memory") else spec
    db_url = _checked_database_url(db_url, spec)  # before any chain work
    refuse_closed_port(chain or os.environ.get("NETS_CHAIN"))
    db = open_database_for(db_url, spec) if spec == MEMORY_IN_DB else None
    try:
        opened = open_chain(chain, signer=sender) if db is None else open_memory_chain(db, sender)
        with opened:  # closing saves a memory:FILE or memory:db chain, which can fail too
            if db is None:
                try:
                    db = open_database_for(db_url, spec)
                except BadInput:
                    opened.save = None  # nothing happened: do not create or rewrite the FILE
                    raise
            try:
                yield opened.adapter, db, name
            except ChainError as exc:
                raise click.ClickException(
                    f"the chain refused: {one_line(refusal(exc, opened.adapter))}"
                ) from None
            except TransactionFailed as exc:
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
            except ChainReorg as exc:  # e.g. a chain restarted from an older state, or a new one
                if resync:
                    raise BadInput(f"--chain: {exc}") from None
                raise BadInput(ahead_of_chain(chain, db_url, name, str(exc))) from None
            except MemoryFileError as exc:  # the chain could not store a transaction
                raise BadInput(f"--chain: {exc}") from None
            except DBAPIError as exc:  # disk full, read-only, damaged: the database's fault
                raise BadInput(f"--db: {database_fault(db, exc)}") from None
            except AdapterError as exc:
                raise click.ClickException(f"chain {name}: {one_line(str(exc))}") from None
    except KeyLoadError as exc:  # the default key ($NETS_KEYSTORE, $NETS_PRIVATE_KEY)
        raise BadInput(str(exc)) from None
    except AdapterError as exc:  # opening the chain, or saving it when it closes
        raise BadInput(f"--chain: {exc}") from None
    finally:
        if db is not None:
            db.close()


def refuse_closed_port(spec: str | None, timeout: float = 3.0) -> None:
    """An RPC URL whose port is closed is refused at once (one TCP connect), before the web3
    stack loads and its retries run: under load that took over a minute to say so."""
    import socket
    from urllib.parse import urlsplit

    if not spec or not spec.strip().startswith(("http://", "https://")):
        return
    url = urlsplit(spec.strip())
    try:
        port = url.port or (443 if url.scheme == "https" else 80)
    except ValueError:
        return  # a bad port: the adapter says so
    if url.hostname is None:
        return
    try:
        socket.create_connection((url.hostname, port), timeout=timeout).close()
    except ConnectionRefusedError:
        raise BadInput(f"--chain: {spec.strip()}: connection refused") from None
    except OSError:
        return  # slow or unresolvable: the adapter's own retries decide


def ahead_of_chain(chain: str | None, db_url: str | None, name: str, reason: str) -> str:
    """The one line for records that describe blocks the chain does not have."""
    options = "".join(f" --{o} {v}" for o, v in (("chain", chain), ("db", db_url)) if v)
    return (
        f"this node's records are ahead of chain {name} ({reason}): the chain was reset or "
        f"restarted from older state; rebuild them from the chain with `nets node resync{options}`"
    )


def database_fault(db: Database, exc: Exception) -> str:
    """One line naming the database and what the driver said (no SQL, no traceback)."""
    from node.db.engine import redact

    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    return f"{redact(db.url)}: {lines[0] if lines else type(exc).__name__}"


OWNERSHIP_ERRORS = frozenset({"NotAgentOwner", "NotLeagueCreator", "NotClaimant", "NotChallenger"})


def refusal(error: ChainError, adapter: ArenaAdapter) -> str:
    """The contract's error with its times readable and, when the sender was the wrong
    account, which one it was and how to choose another."""
    from node.times import explain

    try:
        now: int | None = adapter.block_time()
    except Exception:  # the refusal is the news; a chain that cannot tell the time is not
        now = None
    text = explain(error, now)
    if error.name in OWNERSHIP_ERRORS:
        text += f" (sent from {adapter.address}: {CHOOSE_OWNER})"
    return text


CHOOSE_OWNER = "choose the owner's key with --account N, --key-file PATH or $NETS_PRIVATE_KEY"


def refuse_unless_owner(label: str, owner: str, sender: str) -> None:
    """Refuse before sending when ``sender`` is not ``owner`` (exit 2, one line)."""
    if owner.lower() != sender.lower():
        raise BadInput(f"{label}: owned by {owner}, not by {sender} ({CHOOSE_OWNER})")


def _checked_database_url(db_url: str | None, spec: str) -> str:
    """--db as a URL (a plain path is a SQLite file there), checked before the chain opens."""
    from node.db import DatabaseError
    from node.db.engine import check_url

    try:
        return check_url(db_url or (MEMORY_DB if spec == "memory" else None))
    except DatabaseError as exc:
        raise BadInput(f"--db: {exc}") from None


THROWAWAY_WARNING = (
    "--chain anvil starts a throwaway devnet that stops when this command ends, with "
    "everything it did (--db keeps the records, which a later command would not find on a new "
    "devnet); for a chain that lasts run `nets chain up` and pass its URL, or use memory:FILE"
)


def warn_throwaway() -> None:
    """Say on stderr (stdout may be --json) that a `--chain anvil` chain dies with the command."""
    click.echo(f"warning: {THROWAWAY_WARNING}", err=True)


def open_database_for(db_url: str | None, spec: str) -> Database:
    """--db, else $NETS_DB or the default file; in memory for a plain `--chain memory`."""
    from node.db import DatabaseError, open_database

    try:
        return open_database(db_url or (MEMORY_DB if spec == "memory" else None))
    except DatabaseError as exc:
        raise BadInput(f"--db: {exc}") from None
