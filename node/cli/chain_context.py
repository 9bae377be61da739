"""Opening a command's chain adapter and node database, with one-line errors.

Every chain command (`nets league`, `nets agent`, `nets submit`, `nets verify`) takes `--chain`
and `--db` and runs inside `open_node`, so they all resolve chains, databases and refusals the
same way. Every command that sends also takes the signer options (`signer_options`): the same
key choice on every adapter.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from node.cli.common import BadInput, one_line
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
        help="memory, memory:FILE, memory:db (kept in --db), anvil, an RPC URL or an adapter name "
        "(default $NETS_CHAIN or memory).",
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


OWNERSHIP_ERRORS = frozenset({"NotAgentOwner", "NotLeagueCreator", "NotClaimant", "NotChallenger"})


def refusal(exc: ChainError, sender: str) -> str:
    """The chain's refusal as one line; an ownership refusal says which account sent and how
    to send as another."""
    from node.cli.common import one_line

    text = f"the chain refused: {one_line(str(exc))}"
    if exc.name in OWNERSHIP_ERRORS:
        text += (
            f" (sent from {sender}: choose the owner's key with --account N, --key-file PATH or "
            "$NETS_PRIVATE_KEY)"
        )
    return text


@contextmanager
def open_node(
    chain: str | None, db_url: str | None, signer: SignerChoice | None = None
) -> Iterator[tuple[ArenaAdapter, Database, str]]:
    """The adapter (sending as ``signer`` chooses), the database and the adapter's name; the
    chain's refusals become one-line errors.

    The chain opens first, so an unreachable chain leaves no database file behind; with
    `memory:db` the chain lives in the database, which then opens first and closes last."""
    from adapters.errors import AdapterError, ChainError, TransactionFailed
    from adapters.keys import KeyLoadError
    from adapters.select import MEMORY_IN_DB, chain_spec, open_chain
    from adapters.web3chain.abi import AbiEncodingError
    from node.db import IntentError
    from node.db.memory_chain import open_memory_chain
    from node.league.actions import ChainMismatch
    from node.league.definition import LeagueError

    spec = chain_spec(chain)
    sender = (signer or SignerChoice()).signer()
    if spec == "anvil":
        warn_throwaway()
    name = spec.split(":", 1)[0] if spec.startswith("memory") else spec
    db = _open_database(db_url, spec) if spec == MEMORY_IN_DB else None
    try:
        opened = open_chain(chain, signer=sender) if db is None else open_memory_chain(db, sender)
        with opened:  # closing saves a memory:FILE or memory:db chain, which can fail too
            if db is None:
                try:
                    db = _open_database(db_url, spec)
                except BadInput:
                    opened.save = None  # nothing happened: do not create or rewrite the FILE
                    raise
            try:
                yield opened.adapter, db, name
            except ChainError as exc:
                raise click.ClickException(refusal(exc, opened.adapter.address)) from None
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
            except AdapterError as exc:
                raise click.ClickException(f"chain {name}: {one_line(str(exc))}") from None
    except KeyLoadError as exc:  # the default key ($NETS_KEYSTORE, $NETS_PRIVATE_KEY)
        raise BadInput(str(exc)) from None
    except AdapterError as exc:  # opening the chain, or saving it when it closes
        raise BadInput(f"--chain: {exc}") from None
    finally:
        if db is not None:
            db.close()


THROWAWAY_WARNING = (
    "--chain anvil starts a throwaway anvil that stops when this command ends: what it does "
    "there is gone afterwards, while --db keeps the records (a later command would not find "
    "its league or agents). For a chain that outlives commands run `nets chain up` and pass "
    "its URL, or use memory:FILE."
)


def warn_throwaway() -> None:
    """Say on stderr (stdout may be --json) that a `--chain anvil` chain dies with the command."""
    click.echo(f"warning: {THROWAWAY_WARNING}", err=True)


def _open_database(db_url: str | None, spec: str) -> Database:
    """--db, else $NETS_DB or the default file; in memory for a plain `--chain memory`."""
    from node.db import DatabaseError, open_database

    try:
        return open_database(db_url or (MEMORY_DB if spec == "memory" else None))
    except DatabaseError as exc:
        raise BadInput(f"--db: {exc}") from None
