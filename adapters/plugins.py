"""Entry points by group, read once per process and kept while ``sys.path`` stays the same.

Chain adapters, systems, executors, sim layers and task types are plugins found by name
through entry points. ``importlib.metadata.entry_points(group=...)`` reads every installed
distribution's entry_points.txt on each call, and the names are looked up on hot paths: a memory
chain's world builds every system, role processes load their league's system step after step,
and each scenario resolves its 12 layers. In a live round on a memory chain that re-reading
was 14% of every process's CPU samples together (docs/benchmarks/suite.md). A directory put on
``sys.path`` at run time (a plugin installed for one run) is still seen: a new path is a new
scan.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points


def registered(group: str) -> tuple[EntryPoint, ...]:
    """The entry points of ``group``, the first distribution on ``sys.path`` first."""
    return _index(tuple(sys.path)).get(group, ())


@functools.lru_cache(maxsize=8)
def _index(path: tuple[str, ...]) -> dict[str, tuple[EntryPoint, ...]]:
    del path  # the cache key: entry_points() reads the current sys.path
    if sys.version_info >= (3, 12):
        grouped: dict[str, list[EntryPoint]] = {}
        for ep in entry_points():
            grouped.setdefault(ep.group, []).append(ep)
        return {group: tuple(eps) for group, eps in grouped.items()}
    # Python 3.11: a SelectableGroups, a dict of group -> EntryPoints (read as a plain dict:
    # its own dict methods warn that they are deprecated)
    groups: Mapping[str, Iterable[EntryPoint]] = entry_points()
    return {group: tuple(eps) for group, eps in dict.items(groups)}
