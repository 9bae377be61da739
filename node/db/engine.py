"""Opening the node's database: engine, sessions, automatic schema creation and its version.

Any SQLAlchemy URL works (node.config.database_url: --db, $NETS_DB, sqlite:///./nets.db).
SQLite files run in WAL mode with synchronous=FULL, so a process killed at any instant leaves
every committed transaction and nothing of an uncommitted one.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SAWarning
from sqlalchemy.exc import DatabaseError as DriverDatabaseError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from node.config import database_url, sqlite_file
from node.db import models

SCHEMA_VERSION = 2
"""2: the memory_chain_journal table (a version-1 node would read a `memory:db` chain without
its journal). Bump with every schema change (and teach ``_migrate`` the step from the previous one)."""


class DatabaseError(RuntimeError):
    """The database cannot be used: bad URL, unreachable server, or a schema from a newer node."""


@dataclass
class Database:
    """An opened node database."""

    url: str
    engine: Engine
    chain_lock: AbstractContextManager[object] | None = None
    """The lock of a chain kept in this database (`memory:db`, node.db.memory_chain): each
    outermost hold of it is one database transaction, which ``atomic`` lends to the node."""
    _joined: threading.local = field(default_factory=threading.local, repr=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success, rolled back on error; inside ``atomic`` with a
        `memory:db` chain, a savepoint of the chain's transaction instead (committed with it)."""
        joined: Session | None = getattr(self._joined, "session", None)
        if joined is not None:
            with joined.begin_nested():
                yield joined
            return
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def atomic(self) -> AbstractContextManager[object]:
        """One database transaction for a chain action and the node's records of it, when the
        chain lives in this database (`memory:db`): no crash can then separate them, and a
        failure of either rolls back both. Elsewhere a no-op: the chain commits on its own and
        the outbox's check before every send covers the gap."""
        return self.chain_lock if self.chain_lock is not None else nullcontext()

    @contextmanager
    def records(self) -> Iterator[None]:
        """One database transaction for an action's records: its intent marked done and its
        rows commit together or not at all, on every chain (a crash between them would leave
        an intent done whose rows a restart never writes). Inside ``atomic`` with a
        `memory:db` chain that is the chain's transaction already; elsewhere a session of its
        own that ``session()`` calls join as savepoints. On SQLite it begins IMMEDIATE (the
        write lock first): pysqlite would otherwise let the first savepoint's release commit."""
        if getattr(self._joined, "session", None) is not None:
            yield
            return
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                if self.engine.dialect.name == "sqlite":
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                self.join(session)
                yield
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                self.join(None)

    def join(self, session: Session | None) -> None:
        """Route this thread's ``session()`` calls into ``session`` (the chain's transaction,
        which node.db.memory_chain commits or rolls back); None ends that."""
        self._joined.session = session

    def schema_version(self) -> int:
        with Session(self.engine) as session:
            row = session.get(models.SchemaVersion, 1)
            return row.version if row is not None else 0

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite gets WAL and a busy timeout; in-memory SQLite one connection.
    A URL part the driver would ignore (SQLAlchemy warns, e.g. ``?mode=ro``) is an error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SAWarning)
            if url.startswith("sqlite"):
                in_memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
                kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
                if in_memory:
                    kwargs["poolclass"] = StaticPool
                engine = create_engine(url, **kwargs)
                if not in_memory:
                    event.listen(engine, "connect", _sqlite_pragmas)
                return engine
            return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError, SAWarning) as exc:
        reason = str(exc).split(" (Background on this", 1)[0]
        raise DatabaseError(f"bad database URL {redact(url)!r}: {reason}") from None
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"no driver for {redact(url)!r} ({exc.name} missing; for PostgreSQL install the "
            "`postgres` extra: pip install 'nets-node[postgres]')"
        ) from None


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def open_database(url: str | None = None) -> Database:
    """Open (creating if needed) the node's database at ``url`` (default: node.config)."""
    url = database_url(url)
    engine = make_engine(url)
    try:
        _prepare(engine)
    except DriverDatabaseError as exc:  # unreachable, unopenable, or not a database at all
        engine.dispose()
        first = (str(exc.orig) if exc.orig is not None else str(exc)).strip().splitlines()
        why = read_only(url)
        raise DatabaseError(
            f"cannot open database {redact(url)!r}: {first[0] if first else exc}"
            + (f" ({why})" if why else "")
        ) from None
    except DatabaseError:
        engine.dispose()
        raise
    return Database(url, engine)


def read_only(url: str) -> str | None:
    """Why a SQLite database cannot be written, if its file or directory is read-only: in WAL
    mode SQLite then cannot even open it, and says only "unable to open database file"."""
    path = sqlite_file(url)
    if path is None:
        return None
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"{folder} is on a read-only file system"
    except OSError:
        return None
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK):
        return f"directory {folder} is read-only"
    return None


def check_url(url: str | None = None) -> str:
    """The database URL (node.config rules) if it can be opened as far as can be told without
    touching it: a known driver, a well-formed URL, and for a SQLite file an existing directory
    and no directory in its place. Commands check this before any chain work, which can take
    a while and would otherwise end in a database error."""
    url = database_url(url)
    make_engine(url).dispose()  # parses the URL and loads the driver; connects to nothing
    path = sqlite_file(url)
    if path is not None:
        if path.is_dir():
            raise DatabaseError(f"cannot open database {str(path)!r}: it is a directory")
        if not path.parent.is_dir():
            raise DatabaseError(
                f"cannot open database {str(path)!r}: directory {str(path.parent)!r} does not exist"
            )
    return url


def _prepare(engine: Engine) -> None:
    """Check the file, create missing tables, stamp a new database, refuse one from a newer
    node or one that belongs to something else."""
    _check_intact(engine)
    with Session(engine) as session:
        existing = _stored_version(engine, session)
    if existing is None:
        from sqlalchemy import inspect

        foreign = sorted(inspect(engine).get_table_names())
        if foreign:  # tables, but none of them ours: never add ours beside them
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise DatabaseError(
                f"{redact(str(engine.url))} is not a nets database (it has tables {shown} and "
                "no schema_version): name another --db"
            )
    if existing is not None and existing > SCHEMA_VERSION:
        raise DatabaseError(
            f"database schema version {existing} is newer than this node's "
            f"({SCHEMA_VERSION}): upgrade nets before opening it"
        )
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        row = session.get(models.SchemaVersion, 1)
        if row is None:
            session.add(models.SchemaVersion(id=1, version=SCHEMA_VERSION))
        elif row.version < SCHEMA_VERSION:
            _migrate(engine, row.version)
            row.version = SCHEMA_VERSION
            session.add(row)
        session.commit()


def _check_intact(engine: Engine) -> None:
    """SQLite's quick_check (fast: no index cross-check): a damaged file is refused before
    any command work, rather than failing half way through it."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("PRAGMA quick_check").fetchall()
    problems = [str(row[0]) for row in rows if str(row[0]) != "ok"]
    if problems:
        raise DatabaseError(
            f"{redact(str(engine.url))} is damaged (quick_check: {problems[0]}): restore it "
            "from a backup, or rebuild it from the chain with `nets node resync`"
        )


def _stored_version(engine: Engine, session: Session) -> int | None:
    from sqlalchemy import inspect

    if not inspect(engine).has_table("schema_version"):
        return None
    row = session.exec(select(models.SchemaVersion)).first()
    return row.version if row is not None else None


def _migrate(engine: Engine, from_version: int) -> None:
    """Upgrade steps from older schema versions (1 to 2: create_all adds the journal table;
    a version-1 snapshot reads as ``seq`` 0)."""
    del engine, from_version
