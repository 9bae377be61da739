"""Helper processes forked from the test process instead of started afresh.

A fresh `python` or `nets` process pays 1-2 CPU-s of imports (sqlmodel, the db models, web3,
eth-account) before its first line of work; most kill-point tests start three or four of
them per test. A child forked from the test process (multiprocessing's "fork" start method)
is still a separate OS process, with its own pid, memory, file descriptors and database
connections, killed by -9 at the same point, but it starts with the imports already done.
The parent imports what the child will need first (``preload``, a script's own imports, a
command's module), so it pays for them once per test process.

Fork safety: the child opens its own database engines (the parent's pooled connections are
never used, and ``os._exit`` leaves them alone); the wasm engine compiles on the calling
thread (node/wasm/engine.py), so a child compiles after the parent has.
Tests about what a fresh interpreter does (lazy imports, the recursion limit, start-up) start
real processes instead.
"""

from __future__ import annotations

import ast
import importlib
import io
import logging
import multiprocessing
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO

FORK = multiprocessing.get_context("fork")


class Forked:
    """A started child running ``target`` with ``env`` (else this process's) and ``cwd``, its
    stdout and stderr captured; ``argv`` becomes its sys.argv and the result's args."""

    def __init__(
        self,
        target: Callable[[], object],
        *,
        argv: list[str],
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.argv = argv
        self._out = tempfile.TemporaryFile()  # noqa: SIM115  (closed by wait)
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = FORK.Process(
            target=_child, args=(target, argv, env, cwd, self._out.fileno(), self._err.fileno())
        )
        with warnings.catch_warnings():
            # The xdist worker runs a thread of its own; the child never touches its state.
            warnings.filterwarnings(
                "ignore", "This process .* is multi-threaded", DeprecationWarning
            )
            self.process.start()

    def wait(self, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Its return code as ``subprocess.run`` gives it (negative: the signal that killed
        it) and its output; killed, and TimeoutExpired raised, after ``timeout`` seconds."""
        try:
            self.process.join(timeout)
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join()
                raise subprocess.TimeoutExpired(
                    self.argv, timeout, _read(self._out), _read(self._err)
                )
            return subprocess.CompletedProcess(
                self.argv, self.process.exitcode, _read(self._out), _read(self._err)
            )
        finally:
            self.process.close()
            self._out.close()
            self._err.close()


def run_forked(
    target: Callable[[], object],
    *,
    argv: list[str],
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``target`` in a forked child, waited for (``Forked``)."""
    return Forked(target, argv=argv, env=env, cwd=cwd).wait(timeout)


def run_script(
    script: str | Path,
    *args: str,
    preload: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`python SCRIPT ARGS...`, forked: the script runs as ``__main__``. Its top-level imports
    and ``preload`` are imported here first."""
    path = str(script)
    for module in (*_top_level_imports(Path(path).read_text()), *preload):
        importlib.import_module(module)
    return run_forked(
        lambda: runpy.run_path(path, run_name="__main__"),
        argv=[path, *args], env=env, cwd=cwd, timeout=timeout,
    )  # fmt: skip


def start_code(
    code: str, *args: str, env: Mapping[str, str] | None = None, cwd: str | Path | None = None
) -> Forked:
    """`python -c CODE ARGS...`, forked and started (``wait`` for it). CODE's top-level
    imports are imported here first."""
    for module in _top_level_imports(code):
        importlib.import_module(module)
    return Forked(
        lambda: exec(compile(code, "<string>", "exec"), {"__name__": "__main__"}),
        argv=["-c", *args], env=env, cwd=cwd,
    )  # fmt: skip


def run_nets(
    *args: str,
    preload: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`nets ARGS...`, forked: the console script's ``node.cli.main``. The command's module and
    ``preload`` are imported here first."""
    import click

    from node.cli import main

    if args:
        main.get_command(click.Context(main), args[0])
    for module in preload:
        importlib.import_module(module)
    return run_forked(
        lambda: main(list(args), prog_name="nets"),
        argv=["nets", *args], env=env, cwd=cwd, timeout=timeout,
    )  # fmt: skip


def _top_level_imports(source: str) -> list[str]:
    tree = ast.parse(source)
    names: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            names += [alias.name for alias in statement.names]
        elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            names.append(statement.module)
    return [name for name in names if name != "__future__"]


def _child(
    target: Callable[[], object],
    argv: list[str],
    env: Mapping[str, str] | None,
    cwd: str | Path | None,
    out: int,
    err: int,
) -> None:
    """In the child: fd 1 and 2 to the capture files, as a started process has them; the
    test process's logging capture and timeout alarm dropped."""
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False))  # noqa: SIM115
    sys.stderr = io.TextIOWrapper(open(2, "wb", closefd=False), line_buffering=True)  # noqa: SIM115
    for signum in (signal.SIGALRM, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    logging.root.handlers.clear()
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    if cwd is not None:
        os.chdir(cwd)
    sys.argv = argv
    try:
        target()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode(errors="replace")
