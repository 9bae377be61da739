"""One local Ray for every Ray test (2 CPUs, no dashboard): starting Ray costs seconds. It is
started through the executor, as the commands start it (wasmtime's trap handlers kept)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def ray_session() -> Iterator[None]:
    pytest.importorskip("ray")
    from node.executor.ray_cluster import RayExecutor

    executor = RayExecutor(num_cpus=2)
    try:
        yield
    finally:
        executor.close()
