"""`--chain memory:db`: the embedded MemoryChain kept in the node's own database, durable per
transaction, so a memory-chain league and the node's records of it live (and are backed up)
together.

The chain is a snapshot row (``memory_chain``) and a journal (``memory_chain_journal``, one
row per committed chain transaction, adapters.memory.journal). A chain transaction is one
database transaction: it first updates the snapshot row (the database's write lock, held
until the commit; a row lock on PostgreSQL), applies the journal rows other processes wrote,
executes, and commits its own row before the sender sees its result.

The node's records of an action join that transaction: while the chain's lock is held
(``Database.atomic``, which the outbox wraps around check, send and mark), the node's
``db.session()`` calls are savepoints of the chain's session, so the journal row, the intent
marked done and the action's rows are one COMMIT: a crash anywhere leaves both or neither. A
failure of either (a refusal, a database error while recording, a commit that fails on a full
disk or a read-only file) rolls back both and reloads the chain as stored; a failed commit
reaches the sender as MemoryFileError.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from adapters.memory import MemoryChain, live_world, new_world
from adapters.memory import journal as records
from adapters.memory.chain import World
from adapters.memory.persist import MemoryFileError, from_text_seq, to_text
from adapters.select import MEMORY_IN_DB, OpenedChain, signer_for
from node.db.engine import Database, redact
from node.db.models import MemoryChainJournalRow, MemoryChainRow, utcnow

if TYPE_CHECKING:
    from adapters.keys import Signer

COMPACT_BYTES = 4 * 1024 * 1024
"""Fold the journal into the snapshot once it is past this and past twice the snapshot."""
T = TypeVar("T")
REFUSAL = "the memory chain stored in the database does not load"


class DatabaseStore:
    """The adapters.memory.chain.Store of the chain kept in one node database."""

    def __init__(self, db: Database, name: str = "default") -> None:
        self.db = db
        self.name = name
        self.seq = 0
        self.journal_bytes = 0
        self.snapshot_bytes = 0
        self.before: records.Marks = {}
        self.session: Session | None = None

    def open(self) -> World:
        world = new_world()
        with Session(self.db.engine) as session:
            self._guard(lambda: self._reload(session, world))
        world.store = self
        self.db.chain_lock = world.lock
        return world

    # -- the Store protocol -----------------------------------------------------------------------

    def begin(self, world: World) -> None:
        session = Session(self.db.engine, expire_on_commit=False)
        try:
            self._guard(lambda: self._lock(session, world))
            self._guard(lambda: self._catch_up(session, world))
        except BaseException:
            session.rollback()
            session.close()
            raise
        self.session = session
        self.before = records.marks(world)
        self.db.join(session)  # the node's writes while the lock is held (Database.atomic)

    def end(self, world: World, failed: bool) -> None:
        session, self.session = self.session, None
        assert session is not None
        self.db.join(None)
        changed = records.changed(world, self.before)
        try:
            if failed:  # the chain's change and the node's records go together
                session.rollback()
                if changed:
                    self._guard(lambda: self._reload(session, world))
                return
            line = records.record(world, self.seq + 1, self.before) if changed else ""
            compact = changed and self.journal_bytes + len(line) > max(
                COMPACT_BYTES, 2 * self.snapshot_bytes
            )
            try:
                if changed:
                    session.add(
                        MemoryChainJournalRow(name=self.name, seq=self.seq + 1, record=line)
                    )
                    if compact:
                        self._snapshot(session, world, self.seq + 1)
                self._commit(session)
            except SQLAlchemyError as exc:
                session.rollback()
                if changed:
                    self._guard(lambda: self._reload(session, world))
                raise MemoryFileError(self._fault(exc)) from None
            if changed:
                self.seq += 1
                self.journal_bytes = 0 if compact else self.journal_bytes + len(line)
        finally:
            session.close()

    def _commit(self, session: Session) -> None:
        """The one COMMIT of a chain transaction: its journal row and the node's records."""
        session.commit()

    def refresh(self, world: World) -> None:
        with Session(self.db.engine) as session:
            newest = self._guard(
                lambda: session.exec(
                    select(func.max(MemoryChainJournalRow.seq)).where(
                        MemoryChainJournalRow.name == self.name
                    )
                ).one()
            )
            if newest is not None and newest != self.seq:
                self._guard(lambda: self._catch_up(session, world))

    # -- internals --------------------------------------------------------------------------------

    def _fault(self, exc: SQLAlchemyError) -> str:
        orig = getattr(exc, "orig", None)
        reason = str(orig if orig is not None else exc).strip().splitlines()
        return f"{redact(self.db.url)}: {reason[0] if reason else type(exc).__name__}"

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except SQLAlchemyError as exc:
            raise MemoryFileError(self._fault(exc)) from None

    def _lock(self, session: Session, world: World) -> None:
        """The write lock first (an UPDATE before any read), then the latest state."""
        for _ in range(3):
            result = session.execute(
                update(MemoryChainRow)
                .where(col(MemoryChainRow.name) == self.name)
                .values(updated_at=utcnow())
            )
            if getattr(result, "rowcount", 0):
                return
            try:  # the first transaction ever: the genesis snapshot is the lock row
                session.add(MemoryChainRow(name=self.name, state=to_text(world, self.seq)))
                session.flush()
                return
            except IntegrityError:  # another process created it first
                session.rollback()
        raise MemoryFileError(f"{redact(self.db.url)}: cannot lock the memory chain")

    def _catch_up(self, session: Session, world: World) -> None:
        rows = session.exec(
            select(MemoryChainJournalRow)
            .where(MemoryChainJournalRow.name == self.name, MemoryChainJournalRow.seq > self.seq)
            .order_by(col(MemoryChainJournalRow.seq))
        ).all()
        if rows and rows[0].seq != self.seq + 1:  # folded into the snapshot since we read
            self._reload(session, world)
            return
        self._apply(world, rows)

    def _apply(self, world: World, rows: Sequence[MemoryChainJournalRow]) -> None:
        for row in rows:
            if row.seq != self.seq + 1:
                raise MemoryFileError(f"{REFUSAL} (journal record {self.seq + 1} is missing)")
            try:
                records.apply(world, json.loads(row.record))
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                raise MemoryFileError(f"{REFUSAL} (journal record {row.seq}: {exc})") from None
            self.seq = row.seq
            self.journal_bytes += len(row.record)

    def _reload(self, session: Session, world: World) -> None:
        row = session.get(MemoryChainRow, self.name)
        if row is None:
            loaded, self.seq, self.snapshot_bytes = live_world(), 0, 0
        else:
            loaded, self.seq = from_text_seq(row.state, REFUSAL)
            self.snapshot_bytes = len(row.state)
        records.replace(world, loaded)
        self.journal_bytes = 0
        self._catch_up_after_reload(session, world)

    def _catch_up_after_reload(self, session: Session, world: World) -> None:
        rows = session.exec(
            select(MemoryChainJournalRow)
            .where(MemoryChainJournalRow.name == self.name, MemoryChainJournalRow.seq > self.seq)
            .order_by(col(MemoryChainJournalRow.seq))
        ).all()
        self._apply(world, rows)

    def _snapshot(self, session: Session, world: World, seq: int) -> None:
        text = to_text(world, seq)
        session.merge(MemoryChainRow(name=self.name, state=text, updated_at=utcnow()))
        session.execute(
            delete(MemoryChainJournalRow).where(
                col(MemoryChainJournalRow.name) == self.name,
                col(MemoryChainJournalRow.seq) < seq,
            )
        )
        self.snapshot_bytes = len(text)


def open_memory_chain(db: Database, signer: Signer | None = None) -> OpenedChain:
    """The MemoryChain stored in ``db`` (a new one before its first transaction), durable per
    transaction. A stored state that does not load is MemoryFileError, an AdapterError."""
    world = DatabaseStore(db).open()
    return OpenedChain(
        MemoryChain(world, signer=signer_for(signer, world.ledger.chain_id)), MEMORY_IN_DB
    )
