"""The JSONL trace writer and its streaming RFC 9162 Merkle root.

One leaf per line: the exact line bytes without the newline. Lines are buffered as text and
hashed in batches at flush time: every full block of 2**13 leaves is a perfect subtree, folded
level by level and pushed onto a stack of peaks (O(log n) memory). Folding the peaks right to
left gives the same root as `node.merkle.merkle_root` over all lines (tested), without ever
holding every leaf in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cache, partial
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from node.merkle import EMPTY_ROOT, node_hash

if TYPE_CHECKING:
    import ctypes
    from multiprocessing.connection import Connection

_sha256 = hashlib.sha256
_digest = type(_sha256()).digest
_join = b"".join
BLOCK_HEIGHT = 13
BLOCK = 1 << BLOCK_HEIGHT
FLUSH_LINES = BLOCK


def _fold(level: list[bytes]) -> bytes:
    """Root of a perfect subtree given its 2**k leaf hashes.

    Each level is one chain of C-level maps (0x01 || left || right -> sha256 -> digest): no
    Python bytecode runs per node, so the cost is the hashing itself.
    """
    while len(level) > 1:
        pairs = iter(level)
        level = list(map(_digest, map(_sha256, map(_join, zip(repeat(b"\x01"), pairs, pairs)))))
    return level[0]


def _leaf_hashes(blob: bytes) -> list[bytes]:
    """sha256(0x00 || line) of every newline-separated line of ``blob``."""
    sha = _sha256
    return [sha(b"\x00" + raw).digest() for raw in blob.split(b"\n")]


LeafHashes = Callable[[bytes, int], "bytes | ctypes.Array[ctypes.c_char]"]
"""(blob, its line count) -> the lines' 32-byte leaf hashes, concatenated."""
Fold = Callable[[bytearray, int, int], bytes]
"""(concatenated hashes, first, count) -> root of those ``count`` leaves (may scratch them)."""


def _python_leaves(blob: bytes, lines: int) -> bytes:
    del lines
    return _join(_leaf_hashes(blob))


def _python_fold(hashes: bytearray, start: int, count: int) -> bytes:
    at = 32 * start
    return _fold([bytes(hashes[i : i + 32]) for i in range(at, at + 32 * count, 32)])


@cache
def _block_hashing() -> tuple[LeafHashes, Fold]:
    """(leaf hashes of a blob, root of a run of them): in C when the native library is built
    (the hashing is most of a trace's cost; tests hold both paths equal), else hashlib. Leaf
    hashes stay one buffer: no bytes object per line."""
    from node.native.library import fold_in_place, leaf_hash_blob, load

    library, _why = load()
    leaves = leaf_hash_blob(library) if library is not None else None
    if library is None or leaves is None:
        return _python_leaves, _python_fold
    return leaves, partial(fold_in_place, library)


class MerkleAccumulator:
    """Append-only RFC 9162 tree keeping only the peaks (height, hash) of perfect subtrees."""

    __slots__ = ("_peaks", "count")

    def __init__(self) -> None:
        self._peaks: list[tuple[int, bytes]] = []
        self.count = 0

    def add_entry(self, entry: bytes) -> None:
        self.add_subtree(_sha256(b"\x00" + entry).digest(), 0)

    def add_leaf_hash(self, leaf: bytes) -> None:
        self.add_subtree(leaf, 0)

    def add_subtree(self, root: bytes, height: int) -> None:
        """Append a perfect subtree of 2**height leaves; the tree size must be a multiple of it."""
        if self.count & ((1 << height) - 1):
            raise ValueError("a subtree must start at a multiple of its size")
        peaks = self._peaks
        self.count += 1 << height
        while peaks and peaks[-1][0] == height:
            root = node_hash(peaks.pop()[1], root)
            height += 1
        peaks.append((height, root))

    def add_leaf_hashes(self, leaves: list[bytes]) -> None:
        """Append many leaves: aligned power-of-two runs are folded in one batch each."""
        i, n = 0, len(leaves)
        while i < n:
            height = min((n - i).bit_length() - 1, (self.count & -self.count).bit_length() - 1)
            if self.count == 0:
                height = (n - i).bit_length() - 1
            size = 1 << height
            self.add_subtree(_fold(leaves[i : i + size]), height)
            i += size

    def root(self) -> bytes:
        """MTH: the peaks folded right to left (the left subtree is the largest power of 2)."""
        if not self._peaks:
            return EMPTY_ROOT
        acc = self._peaks[-1][1]
        for _, peak in reversed(self._peaks[:-1]):
            acc = node_hash(peak, acc)
        return acc


def root_path(trace: Path) -> Path:
    """Where the root of ``trace`` is stored: TRACE.root beside it."""
    return trace.with_name(trace.name + ".root")


def stored_root(trace: Path) -> str | None:
    """The root text stored beside ``trace`` (stripped, at most 200 characters), None without one."""
    rp = root_path(trace)
    if not rp.is_file():
        return None
    return rp.read_text(errors="replace").strip()[:200]


class BlockHasher:
    """Leaf-hashes newline-joined blobs of lines and folds every full block of 2**13 leaves."""

    __slots__ = ("_fold", "_leaves", "_merkle", "_pending")

    def __init__(self) -> None:
        self._merkle = MerkleAccumulator()
        self._pending = bytearray()  # leaf hashes (32 bytes each) not yet in a full block
        self._leaves, self._fold = _block_hashing()

    def feed(self, blob: bytes, lines: int | None = None) -> None:
        """Hash the newline-separated lines of ``blob`` (``lines`` of them, when known)."""
        pending = self._pending
        pending += self._leaves(blob, blob.count(b"\n") + 1 if lines is None else lines)
        block = 32 * BLOCK
        if len(pending) >= block:
            whole = len(pending) // block
            for i in range(whole):
                self._merkle.add_subtree(self._fold(pending, i * BLOCK, BLOCK), BLOCK_HEIGHT)
            del pending[: whole * block]

    def finish(self) -> tuple[bytes, int]:
        """The root and leaf count. What is left (< one block) goes in as perfect subtrees,
        largest first: the tree so far holds whole blocks, so each one is aligned."""
        pending = self._pending
        left, start = len(pending) // 32, 0
        while left:
            height = left.bit_length() - 1
            self._merkle.add_subtree(self._fold(pending, start, 1 << height), height)
            start += 1 << height
            left -= 1 << height
        self._pending = bytearray()
        return self._merkle.root(), self._merkle.count


def _hash_worker(conn: Connection) -> None:
    import signal

    # A forked child inherits the parent's Python signal handlers (a library such as Ray may
    # have installed its own): the hasher answers SIGTERM and SIGINT the plain way.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    hasher = BlockHasher()
    while blob := conn.recv_bytes():
        hasher.feed(blob)
    root, count = hasher.finish()
    conn.send_bytes(root + count.to_bytes(8, "big"))
    conn.close()


class _HashWorker:
    """A BlockHasher in a child process: the run keeps one core, hashing gets another."""

    def __init__(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_hash_worker, args=(child,), daemon=True)
        self._proc.start()
        child.close()

    def feed(self, blob: bytes) -> None:
        self._conn.send_bytes(blob)

    def finish(self) -> tuple[bytes, int]:
        self._conn.send_bytes(b"")
        answer = self._conn.recv_bytes()
        self._conn.close()
        self._proc.join()
        return answer[:32], int.from_bytes(answer[32:], "big")

    def abort(self) -> None:
        """SIGKILL: a child forked from a threaded parent may hold a lock no SIGTERM handler
        would get past, and the hasher has nothing worth keeping."""
        self._conn.close()
        self._proc.kill()
        self._proc.join()


def worker_hashing_available() -> bool:
    """Worth hashing in a second process: fork exists and there are cores to spare."""
    if (os.cpu_count() or 1) < 4:
        return False
    import multiprocessing  # here: a run without a hash worker does not load it

    return "fork" in multiprocessing.get_all_start_methods()


class TraceWriter:
    """Buffers lines (text, no newline); flush() writes and hashes them in one batch.

    The engine appends to ``buf`` directly and calls ``flush()`` when it holds FLUSH_LINES.
    With ``hash_worker`` the hashing runs in a child process; the root is the same.
    """

    __slots__ = ("_file", "_flushed", "_hasher", "_worker", "buf", "path")

    def __init__(self, path: Path | None, *, hash_worker: bool = False) -> None:
        self.path = path
        self._file: BinaryIO | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("wb")
        self.buf: list[str] = []
        self._flushed = 0
        self._hasher = BlockHasher()
        self._worker = _HashWorker() if hash_worker else None

    def line(self, text: str) -> None:
        self.buf.append(text)
        if len(self.buf) >= FLUSH_LINES:
            self.flush()

    @property
    def lines(self) -> int:
        return self._flushed + len(self.buf)

    def flush(self) -> None:
        buf = self.buf
        if not buf:
            return
        buf_lines = len(buf)
        self._flushed += buf_lines
        blob = "\n".join(buf).encode()
        buf.clear()
        if self._file is not None:
            self._file.write(blob)  # buffered: two writes cost less than copying the blob
            self._file.write(b"\n")
        if self._worker is not None:
            self._worker.feed(blob)
        else:
            self._hasher.feed(blob, buf_lines)

    def close(self) -> bytes:
        """Flush, close, store the root beside the trace, and return it."""
        self.flush()
        if self._worker is not None:
            root, _count = self._worker.finish()
            self._worker = None
        else:
            root, _count = self._hasher.finish()
        if self._file is not None and self.path is not None:
            self._file.close()
            self._file = None
            root_path(self.path).write_text("0x" + root.hex() + "\n")
        return root

    def abort(self) -> None:
        """Stop without a root (the run failed): close the file, stop the hashing process."""
        if self._worker is not None:
            self._worker.abort()
            self._worker = None
        if self._file is not None:
            self._file.close()
            self._file = None


def file_root(path: Path) -> tuple[bytes, int]:
    """Root and line count of a trace file as it is on disk."""
    acc = MerkleAccumulator()
    with path.open("rb") as fh:
        for raw in fh:
            acc.add_entry(raw[:-1] if raw.endswith(b"\n") else raw)
    return acc.root(), acc.count


class BadTraceLine(ValueError):
    """A trace line that is not a JSON object with a string kind; str() is the reason."""


def parse_event(raw: bytes) -> dict[str, Any]:
    """One trace line as an event, for every reader of trace files (inspect, report, validators).

    BadTraceLine says "not JSON" or "not a JSON object with a kind"; callers add the line number.
    """
    try:
        event = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadTraceLine("not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("kind"), str):
        raise BadTraceLine("not a JSON object with a kind")
    return event
