"""``--chain memory:FILE`` durable per transaction: a snapshot and an append-only journal.

FILE holds a snapshot (persist's JSON, with ``seq``: the last journal record it includes);
FILE.journal holds one JSON line per committed transaction after it (adapters.memory.journal),
appended and fsync'd before the transaction's caller gets its result; FILE.lock serialises
processes (flock: exclusive to write, shared to read). A writer first applies what other
processes appended, so several processes on one FILE see one chain, as one process would.

A crash can leave at most a torn last line, which readers skip and the next writer cuts off.
When the journal outgrows the snapshot, a writer compacts: a new snapshot (temporary file,
fsync, rename, fsync of the directory), then a new empty journal the same way; records a
snapshot already includes are skipped, so a crash between the two steps loses nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from pathlib import Path

from adapters.memory import journal
from adapters.memory.chain import World, new_world
from adapters.memory.persist import (
    MemoryFileError,
    check_writable,
    load_file_seq,
    sync_directory,
    write_durably,
    write_snapshot,
)

COMPACT_BYTES = 4 * 1024 * 1024
"""Compact once the journal is past this and past twice the snapshot."""


class FileStore:
    """The adapters.memory.chain.Store of one memory chain file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = path.with_name(path.name + ".journal")
        self.lock_path = path.with_name(path.name + ".lock")
        self.seq = 0
        self.offset = 0
        self.snapshot_bytes = 0
        self.seen: tuple[object, ...] = ()
        self.before: journal.Marks = {}
        self._lock_fd: int | None = None

    # -- opening --------------------------------------------------------------------------------

    def open(self) -> World:
        """The stored world (a new one when FILE does not exist yet), bound to this store."""
        check_writable(self.path)
        try:
            self._lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise MemoryFileError(f"{self.lock_path}: {exc.strerror or exc}") from None
        world = new_world()
        self._locked(fcntl.LOCK_SH, lambda: self._reload(world))
        world.store = self
        return world

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __del__(self) -> None:
        self.close()

    # -- the Store protocol -----------------------------------------------------------------------

    def begin(self, world: World) -> None:
        self._flock(fcntl.LOCK_EX)
        try:
            self._catch_up(world)
            if not self.path.exists():  # the genesis, so that readers start where we do
                self.snapshot_bytes = write_snapshot(world, self.path, self.seq)
                self.seen = self._fingerprint()
            self.before = journal.marks(world)
        except BaseException:
            self._flock(fcntl.LOCK_UN)
            raise

    def end(self, world: World, failed: bool) -> None:
        try:
            if not journal.changed(world, self.before):
                return
            if failed:  # a half-applied change never stays in memory: back to what is stored
                self._reload(world)
                return
            self._append(world, journal.record(world, self.seq + 1, self.before))
            if self.offset > max(COMPACT_BYTES, 2 * self.snapshot_bytes):
                self._compact(world)
        finally:
            self._flock(fcntl.LOCK_UN)

    def refresh(self, world: World) -> None:
        if self._fingerprint() != self.seen:
            self._locked(fcntl.LOCK_SH, lambda: self._catch_up(world))

    # -- internals --------------------------------------------------------------------------------

    def _flock(self, operation: int) -> None:
        if self._lock_fd is None:
            raise MemoryFileError(f"{self.path}: the chain is closed")
        fcntl.flock(self._lock_fd, operation)

    def _locked(self, operation: int, action: Callable[[], None]) -> None:
        self._flock(operation)
        try:
            action()
        finally:
            self._flock(fcntl.LOCK_UN)

    def _fingerprint(self) -> tuple[object, ...]:
        """(snapshot inode, size, mtime; journal inode, size): the snapshot and the journal's
        inode change only when a compaction replaces them; appends change the last."""
        parts: list[object] = []
        for path in (self.path, self.journal):
            try:
                st = os.stat(path)
                parts += [st.st_ino, st.st_size, st.st_mtime_ns]
            except FileNotFoundError:
                parts += [None, None, None]
        del parts[5]  # the journal's mtime: appends already change its size
        return tuple(parts)

    def _reload(self, world: World) -> None:
        """Snapshot, then every journal record after it."""
        loaded, self.seq = load_file_seq(self.path)
        self.snapshot_bytes = self.path.stat().st_size if self.path.exists() else 0
        self.offset = 0
        journal.replace(world, loaded)
        if not self._read_journal(world):
            raise MemoryFileError(f"{self.journal}: records missing after record {self.seq}")
        self.seen = self._fingerprint()

    def _catch_up(self, world: World) -> None:
        now = self._fingerprint()
        if now == self.seen:
            return
        if now[:4] != self.seen[:4] or not self._read_journal(world):
            self._reload(world)  # a new snapshot or journal (a compaction): start over
        self.seen = self._fingerprint()

    def _read_journal(self, world: World) -> bool:
        """Apply the complete records after ``offset``; False on a gap in ``seq`` (a journal
        replaced by a compaction we did not see)."""
        try:
            with self.journal.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < self.offset:
                    return False
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return self.offset == 0
        except OSError as exc:
            raise MemoryFileError(f"{self.journal}: {exc.strerror or exc}") from None
        position = 0
        while True:
            end = data.find(b"\n", position)
            if end < 0:  # a torn last line (a crash mid-append): not committed
                return True
            try:
                record = json.loads(data[position:end])
                seq = record["seq"]
                if seq > self.seq + 1:
                    return False
                if seq == self.seq + 1:
                    journal.apply(world, record)
                    self.seq = seq
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                raise MemoryFileError(
                    f"{self.journal}: damaged record at byte {self.offset + position} ({exc})"
                ) from None
            self.offset += end + 1 - position
            position = end + 1

    def _append(self, world: World, line: str) -> None:
        data = (line + "\n").encode()
        created = not self.journal.exists()
        try:
            fd = os.open(self.journal, os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                os.ftruncate(fd, self.offset)  # a torn line a crashed writer left
                os.lseek(fd, self.offset, os.SEEK_SET)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                sync_directory(self.journal.parent)
        except OSError as exc:
            reason = f"{self.journal}: {exc.strerror or exc}"
            try:
                with self.journal.open("r+b") as handle:
                    handle.truncate(self.offset)
            except OSError:
                pass  # the torn tail is skipped by readers and cut by the next writer
            self._reload(world)
            raise MemoryFileError(reason) from None
        self.offset += len(data)
        self.seq += 1
        self.seen = self._fingerprint()

    def _compact(self, world: World) -> None:
        try:
            self.snapshot_bytes = write_snapshot(world, self.path, self.seq)
            write_durably(self.journal, b"")
        except MemoryFileError:
            return  # the journal still holds everything: compaction waits for space
        self.offset = 0
        self.seen = self._fingerprint()
