"""`--executor local|ray` and `--ray-address`, shared by `nets league play`, `nets submit`,
`nets verify` and `nets sweep`; the executors are the `nets.executors` entry points."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from node.cli.common import BadInput
from node.executor import Executor, ExecutorError, ExecutorOptions, executor_names, open_executor

F = TypeVar("F", bound=Callable[..., Any])


def executor_options(func: F) -> F:
    """Adds ``executor`` (a name) and ``ray_address`` to the command's parameters."""
    func = click.option(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="Ray cluster for --executor ray (default $RAY_ADDRESS, else a local Ray started "
        "for this command).",
    )(func)
    return click.option(
        "--executor",
        type=click.Choice(executor_names()),
        default="local",
        show_default=True,
        help="Where matches run: local processes or Ray tasks.",
    )(func)


@contextmanager
def opened_executor(name: str, workers: int | None, address: str | None) -> Iterator[Executor]:
    """The executor for a command, closed when it ends; one that cannot start exits 2."""
    if address is not None and name != "ray":
        raise BadInput("--ray-address: only with --executor ray")
    try:
        executor = open_executor(name, ExecutorOptions(workers=workers, address=address))
    except ExecutorError as exc:
        raise BadInput(f"--executor {name}: {exc}") from None
    try:
        yield executor
    finally:
        executor.close()
