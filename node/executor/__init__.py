"""Where a job's chunks run: this machine's processes (``local``) or a Ray cluster (``ray``).

Rounds (`nets league play`, `nets submit`, `nets verify`) and simulator sweeps (`nets sweep`)
hand the same picklable work function to either executor; only scheduling differs.
"""

from node.executor.base import (
    ENTRY_POINT_GROUP,
    ChunkWork,
    Executor,
    ExecutorError,
    ExecutorOptions,
    executor_names,
    open_executor,
    strided,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "ChunkWork",
    "Executor",
    "ExecutorError",
    "ExecutorOptions",
    "executor_names",
    "open_executor",
    "strided",
]
