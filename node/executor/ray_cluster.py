"""The ``ray`` executor: chunks of a job as Ray tasks, on a cluster or a Ray started here.

The work (a round's agent codes, a sweep's scenario) goes into the object store once; each
task receives a reference to it inside a list, so Ray does not resolve it per task, and a
worker process fetches and unpickles it the first time only (its caches, compiled agents
included, then live as long as the worker). A worker that dies mid-chunk is retried
(``max_retries``); the chunk is a pure function of its keys, so the retry returns the same
bytes. Exceptions raised by the work itself are not retried: they are the same every time.
"""

from __future__ import annotations

import logging
import math
import os
import socket
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import ray
from ray.exceptions import RayError, RayTaskError

from node.executor.base import ChunkWork, ExecutorError, ExecutorOptions
from node.executor.fault_signals import wasm_trap_handlers_kept

T = TypeVar("T")
R = TypeVar("R")

ADDRESS_ENV = "RAY_ADDRESS"
MAX_RETRIES = 3
START_ATTEMPTS = 2
REACH_TIMEOUT = 5.0
"""A local Ray's raylet gives its dashboard agent 15 s to start and exits otherwise (Ray issue
65983), which an overloaded machine can miss once; a second start usually succeeds."""
CHUNKS_PER_CPU = 4
MIN_CHUNK = 32
"""Tasks per chunk at least: Ray's per-task cost (1-2 ms pipelined here, docs/benchmarks/
distributed.md) is about a tenth of a 32-match snake chunk; a large round gets chunks of
tasks / (4 x CPUs), where it is under 1%."""

_cache: dict[str, Any] = {}
"""In a worker process: the work of the job in flight, by object id (one job at a time)."""


def _work_of(ref: ray.ObjectRef[Any]) -> Any:
    key = ref.hex()
    work = _cache.get(key)
    if work is None:
        _cache.clear()
        work = _cache[key] = ray.get(ref)
    return work


@ray.remote
def _run_chunk(boxed: list[ray.ObjectRef[Any]], chunk: Sequence[Any]) -> Any:
    return _work_of(boxed[0])(chunk)


def check_reachable(address: str) -> None:
    """A ``host:port`` GCS address that refuses connections fails at once, not after Ray's
    own minutes of retries; other forms (``auto``, ``ray://...``) go to ray.init as they are."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "/" in address:
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_TIMEOUT).close()
    except OSError as exc:
        raise ExecutorError(f"cannot reach Ray at {address}: {exc.strerror or exc}") from None


class RayExecutor:
    """Connects to ``address`` (or $RAY_ADDRESS), else starts a local Ray for this process
    (one CPU slot per core, no dashboard) and stops it on ``close``. A Ray already initialised
    in this process is used as it is and left running."""

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        num_cpus: int | None = None,
        max_retries: int = MAX_RETRIES,
        min_chunk: int = MIN_CHUNK,
    ) -> None:
        self.max_retries = max_retries
        self.min_chunk = min_chunk
        self._owned = False
        if not ray.is_initialized():
            target = address or os.environ.get(ADDRESS_ENV) or None
            where = target or "a local Ray"
            if target is not None:
                check_reachable(target)
            for attempt in range(1, START_ATTEMPTS + 1):
                try:
                    with wasm_trap_handlers_kept():
                        self._init(target, num_cpus)
                    break
                except Exception as exc:  # Ray raises bare Exception on a start-up timeout
                    ray.shutdown()
                    if target is not None or attempt == START_ATTEMPTS:
                        raise ExecutorError(f"cannot start Ray on {where}: {exc}") from None
            self._owned = True

    @staticmethod
    def _init(target: str | None, num_cpus: int | None) -> None:
        if target is None:
            ray.init(
                address="local",
                num_cpus=num_cpus or os.cpu_count() or 1,
                include_dashboard=False,
                logging_level=logging.ERROR,
                log_to_driver=False,
            )
        else:
            ray.init(address=target, logging_level=logging.ERROR, log_to_driver=False)

    @property
    def workers(self) -> int:
        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    def chunk_count(self, tasks: int) -> int:
        if tasks <= 0:
            return 1
        size = max(self.min_chunk, math.ceil(tasks / (self.workers * CHUNKS_PER_CPU)))
        return max(1, math.ceil(tasks / size))

    def map_chunks(self, work: ChunkWork[T, R], chunks: Sequence[Sequence[T]]) -> Iterator[R]:
        if not chunks:
            return
        ref = ray.put(work)
        remote = _run_chunk.options(max_retries=self.max_retries)
        pending: list[ray.ObjectRef[Any]] = [remote.remote([ref], list(c)) for c in chunks]
        try:
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                for finished in done:
                    try:
                        yield ray.get(finished)
                    except RayTaskError as exc:
                        raise exc.as_instanceof_cause() from None
                    except RayError as exc:
                        raise ExecutorError(f"a Ray task failed for good: {exc}") from None
        finally:
            for left in pending:
                ray.cancel(left)

    def close(self) -> None:
        if self._owned and ray.is_initialized():
            ray.shutdown()
        self._owned = False


def connect(options: ExecutorOptions) -> RayExecutor:
    """The ``nets.executors`` entry point."""
    return RayExecutor(options.address)
