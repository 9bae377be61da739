"""What a role tells the person or program watching it: one event per thing that happened
(an action taken, an action the chain refused and why, progress while matches are played or
replayed, a notice), each printed once, as it happens, with its time.

Both roles write to a ``RoleLog``; the commands give it one sink: ``RichSink`` on a terminal
(coloured, a progress bar while playing), ``PlainSink`` otherwise (one timestamped line per
event, progress only when a task starts and ends) and ``JsonSink`` for ``--json`` (one JSON
object per line). The log also keeps the lines for reports and tests.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, Protocol

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

ACTION, REFUSED, PROGRESS, NOTICE = "action", "refused", "progress", "notice"
WARNING = "warning"
"""Work the node has not done while its window closes: said once, loudly."""


@dataclass(frozen=True)
class RoleEvent:
    """One thing a role did or saw. ``data`` holds the machine-readable details."""

    time: float
    role: str
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def stamp(self) -> str:
        return datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def to_json(self) -> dict[str, Any]:
        return {"time": self.stamp, "role": self.role, "event": self.kind, "text": self.text,
                **self.data}  # fmt: skip


class Sink(Protocol):
    def __call__(self, event: RoleEvent) -> None: ...


@dataclass
class RoleLog:
    """A role's events: kept (``lines``, ``refused``) and handed to ``sink`` as they happen."""

    role: str = "role"
    sink: Sink | None = None
    lines: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _shown: set[str] = field(default_factory=set, repr=False)

    def _emit(self, kind: str, text: str, data: dict[str, Any]) -> None:
        if self.sink is not None:
            self.sink(RoleEvent(time.time(), self.role, kind, text, data))

    def did(self, line: str, **data: Any) -> None:
        self.lines.append(line)
        self._emit(ACTION, line, data)

    def refuse(self, action: str, reason: str, **data: Any) -> None:
        """An action that did not happen: printed as an error line with its reason, once per
        action and error (a refusal that may pass later is tried again every step; the time
        it names, after the first parenthesis, changes and does not make a new line)."""
        line = f"{action}: {reason}"
        self.refused.append(line)
        key = line.split("(", 1)[0]
        if key in self._shown:
            return
        self._shown.add(key)
        self._emit(REFUSED, line, {"action": action, "reason": reason, **data})

    def warn(self, line: str, **data: Any) -> None:
        if line not in self.warnings:
            self.warnings.append(line)
            self._emit(WARNING, line, data)

    def notice(self, line: str, **data: Any) -> None:
        self._emit(NOTICE, line, data)

    @contextmanager
    def task(self, name: str, total: int) -> Iterator[Callable[[int], None]]:
        """Progress of ``name`` (``total`` units); yields ``advance(count)``."""
        done = 0
        self._emit(PROGRESS, name, {"task": name, "done": 0, "total": total})

        def advance(count: int) -> None:
            nonlocal done
            done += count
            self._emit(PROGRESS, name, {"task": name, "done": done, "total": total})

        yield advance


class JsonSink:
    """One JSON object per line, flushed at once (a pipe reader sees each event as it happens)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, event: RoleEvent) -> None:
        self.stream.write(json.dumps(event.to_json()) + "\n")
        self.stream.flush()


class PlainSink:
    """Timestamped plain lines; a task's progress only when it starts and when it ends."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def __call__(self, event: RoleEvent) -> None:
        if event.kind == PROGRESS:
            done, total = event.data["done"], event.data["total"]
            if done not in (0, total):
                return
            text = f"{event.text}: {'started' if done == 0 else 'done'} ({done}/{total})"
        else:
            text = event.text
        label = {REFUSED: "error", WARNING: "warning"}.get(event.kind, event.role)
        self.stream.write(f"{event.stamp} {label}: {text}\n")
        self.stream.flush()


class RichSink:
    """A terminal: timestamped, coloured lines and a live bar while a task runs."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, event: RoleEvent) -> None:
        if event.kind == PROGRESS:
            self._progress(event)
            return
        clock = datetime.fromtimestamp(event.time).strftime("%H:%M:%S")
        if event.kind == REFUSED:
            line = f"[dim]{clock}[/] [bold red]error[/] {escape(event.text)}"
        elif event.kind == WARNING:
            line = f"[dim]{clock}[/] [bold red]warning {escape(event.text)}[/]"
        elif event.kind == ACTION:
            line = f"[dim]{clock}[/] [green]{event.role}[/] {escape(event.text)}"
        else:
            line = f"[dim]{clock}[/] [cyan]{event.role}[/] {escape(event.text)}"
        self.console.print(line, highlight=False)

    def _progress(self, event: RoleEvent) -> None:
        name, done, total = event.data["task"], event.data["done"], event.data["total"]
        if self.progress is None:
            self.progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                console=self.console, transient=True,
            )  # fmt: skip
            self.progress.start()
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(escape(name), total=total)
        self.progress.update(self.tasks[name], completed=done)
        if done >= total:
            self.progress.remove_task(self.tasks.pop(name))
            if not self.tasks:
                self.progress.stop()
                self.progress = None
            self(RoleEvent(event.time, event.role, NOTICE, f"{name}: done ({done}/{total})"))


def sink_for(as_json: bool, console: Console, stream: IO[str]) -> Sink:
    """``--json``: JSON lines; a terminal: rich; anything else: plain lines."""
    if as_json:
        return JsonSink(stream)
    if console.is_terminal:
        return RichSink(console)
    return PlainSink(stream)
