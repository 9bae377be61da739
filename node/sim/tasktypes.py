"""Task types: which agent class plays which role, keyed by the scenario's ``task.type``.

Built-in task types live in node/sim/tasks/ and register on import; other distributions add
theirs through the ``nets.sim.tasks`` entry point group (the object is a TaskType).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from pydantic import BaseModel

from adapters.plugins import registered
from node.sim.agent import Agent
from node.sim.tasks import BUILTIN_TASKS

TASK_ENTRY_POINT_GROUP = "nets.sim.tasks"

MetricsFn = Callable[[Sequence[Agent], Any], Mapping[str, float | None]]


class UnknownTask(LookupError):
    """No task type of that name; the message lists the registered ones."""


@dataclass(frozen=True)
class TaskType:
    """A scenario kind: its roles, its config schema and the metrics it can compute."""

    name: str
    description: str
    roles: Mapping[str, type[Agent]]
    config_model: type[BaseModel]
    default_roles: Callable[[int], list[tuple[str, int]]]
    metrics: MetricsFn | None = None
    metric_names: tuple[str, ...] = ()
    check_roles: Callable[[Mapping[str, int], Any], str | None] = field(
        default=lambda counts, cfg: None
    )
    config_roles: Callable[[int, Any], list[tuple[str, int]] | None] | None = None
    """The split when a file gives no roles but its task config decides it (None: use
    ``default_roles``)."""


_TASKS: dict[str, TaskType] = {}
_loaded = False


def register_task(task: TaskType) -> TaskType:
    """Make ``task`` available to scenarios (a later registration of the same name wins)."""
    _TASKS[task.name] = task
    return task


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_TASKS:
        import_module(f"node.sim.tasks.{module}")
    for ep in registered(TASK_ENTRY_POINT_GROUP):
        obj = ep.load()
        if isinstance(obj, TaskType):
            _TASKS.setdefault(obj.name, obj)


def available_tasks() -> list[str]:
    _load()
    return sorted(_TASKS)


def get_task(name: str) -> TaskType:
    if name in BUILTIN_TASKS:
        import_module(f"node.sim.tasks.{name}")  # the built-in type alone: no entry point scan
        return _TASKS[name]
    _load()
    task = _TASKS.get(name)
    if task is None:
        raise UnknownTask(f"unknown task type {name!r} (allowed: {', '.join(available_tasks())})")
    return task
