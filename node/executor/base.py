"""The executor seam: a Protocol, its options, and discovery through entry points.

A job is a ``ChunkWork``: a picklable callable that holds what every task shares (a round's
spec and agent codes, a sweep's scenario) and is applied to chunks of small task keys. An
executor ships the work once per worker (a process initializer, or one object in Ray's
object store) and yields each chunk's result as it finishes; callers place results by
their keys, never by completion order, so every executor gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from adapters.plugins import registered

ENTRY_POINT_GROUP = "nets.executors"

T = TypeVar("T")
R = TypeVar("R")
T_contra = TypeVar("T_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)


class ExecutorError(RuntimeError):
    """An executor cannot start (unknown name, unreachable cluster) or a chunk failed for good."""


class ChunkWork(Protocol[T_contra, R_co]):
    """Picklable; called once per chunk in a worker, which may keep caches between chunks."""

    def __call__(self, chunk: Sequence[T_contra], /) -> R_co: ...


class Executor(Protocol):
    """Runs chunks of one job in parallel; ``workers`` is the parallelism it schedules for."""

    name: str

    @property
    def workers(self) -> int: ...

    def chunk_count(self, tasks: int) -> int:
        """How many chunks ``tasks`` task keys should be cut into."""
        ...

    def map_chunks(self, work: ChunkWork[T, R], chunks: Sequence[Sequence[T]]) -> Iterator[R]:
        """Each chunk's result, in completion order."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ExecutorOptions:
    """What a command line can say about an executor; each implementation reads its part."""

    workers: int | None = None
    """local: processes (default one per CPU)."""
    address: str | None = None
    """ray: cluster address (default $RAY_ADDRESS, else a local Ray for this command)."""


ExecutorFactory = Callable[[ExecutorOptions], Executor]


def executor_names() -> list[str]:
    return sorted(ep.name for ep in registered(ENTRY_POINT_GROUP))


def open_executor(name: str, options: ExecutorOptions | None = None) -> Executor:
    """The executor registered under ``name`` in the ``nets.executors`` entry points."""
    for ep in registered(ENTRY_POINT_GROUP):
        if ep.name == name:
            factory: ExecutorFactory = ep.load()
            return factory(options or ExecutorOptions())
    raise ExecutorError(f"unknown executor {name!r} (installed: {', '.join(executor_names())})")


def strided(tasks: Sequence[T], count: int) -> list[list[T]]:
    """``count`` chunks, chunk k holding tasks k, k + count, ...: one agent's matches (alike in
    length) spread over every chunk instead of filling one."""
    if not tasks:
        return []
    count = max(1, min(count, len(tasks)))
    return [list(tasks[start::count]) for start in range(count)]
