"""The ``local`` executor: a process pool on this machine (the behaviour rounds always had).

The work travels once per worker through the pool initializer; tasks are about four chunks
per worker, enough to balance and few enough that per-chunk overhead stays small. One
worker runs in this process with no pool at all.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from node.executor.base import ChunkWork, ExecutorOptions

T = TypeVar("T")
R = TypeVar("R")

CHUNKS_PER_WORKER = 4
IN_PROCESS_CHUNK = 16
"""Tasks per chunk when running in this process: only so that progress moves."""


def default_workers() -> int:
    return os.cpu_count() or 1


def pool_context(name: str = "forkserver", preload: Sequence[str] = ()) -> BaseContext:
    """A forkserver that has imported ``preload`` once (so each worker starts without
    re-importing wasmtime and the systems), else spawn. Never plain fork: the parent may hold
    a wasmtime engine, which a forked child must not inherit."""
    if name == "forkserver" and name in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn" if name == "forkserver" else name)


_work: Any = None


def _init_worker(work: Any) -> None:
    global _work
    # Ctrl-C reaches the whole process group: the driver decides when to stop (a role finishes
    # its step), so a worker must not die under it mid-batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _work = work


def _run_chunk(chunk: Sequence[Any]) -> Any:
    assert _work is not None, "worker not initialised"
    return _work(chunk)


class LocalExecutor:
    """``workers`` processes (default one per CPU); 1 runs in this process."""

    name = "local"

    def __init__(self, workers: int | None = None, *, mp_context: str = "forkserver") -> None:
        workers = default_workers() if workers is None else workers
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._workers = workers
        self.mp_context = mp_context

    @property
    def workers(self) -> int:
        return self._workers

    def chunk_count(self, tasks: int) -> int:
        if self._workers == 1:
            return max(1, tasks // IN_PROCESS_CHUNK)
        return max(1, min(tasks, self._workers * CHUNKS_PER_WORKER))

    def map_chunks(self, work: ChunkWork[T, R], chunks: Sequence[Sequence[T]]) -> Iterator[R]:
        processes = min(self._workers, len(chunks))
        if processes <= 1:
            for chunk in chunks:
                yield work(chunk)
            return
        context = pool_context(self.mp_context, [type(work).__module__])
        with ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=_init_worker, initargs=(work,)
        ) as pool:
            futures = [pool.submit(_run_chunk, chunk) for chunk in chunks]
            for future in as_completed(futures):
                yield future.result()

    def close(self) -> None:
        """Nothing outlives a map_chunks call."""


def connect(options: ExecutorOptions) -> LocalExecutor:
    """The ``nets.executors`` entry point."""
    return LocalExecutor(options.workers)
