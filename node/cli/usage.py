"""Bad input and usage errors: one line on stderr, exit code 2; with --json, one JSON object.

Kept apart from node.cli.common (rich, tables, JSON) so that the root group, and with it
`nets --help` and `nets --version`, imports click and nothing else.
"""

from __future__ import annotations

import json
from typing import Any

import click


class BadInput(click.ClickException):
    """Bad input from the user: printed as one line, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {one_line(self.format_message())}", err=True)


def one_line(message: str) -> str:
    """``message`` on one line: a reason quoted from a library may span several."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


class JsonError(click.ClickException):
    """A failure of a command run with --json: one JSON object on stderr,
    ``{"error": "<the one-line reason>", "exit_code": N}``, and the same exit code."""

    def __init__(self, cause: click.ClickException) -> None:
        super().__init__(cause.format_message())
        self.exit_code = cause.exit_code  # pyright: ignore[reportAttributeAccessIssue]  (per instance: the cause's code)

    def show(self, file: Any = None) -> None:
        reason = one_line(self.format_message())
        click.echo(json.dumps({"error": reason, "exit_code": self.exit_code}), err=True)


JSON_ERRORS = "nets.json_errors"
"""ctx.meta key: the command line asked for --json, so errors are JSON too."""


def _asks_json(args: list[str]) -> bool:
    return "--json" in (args[: args.index("--")] if "--" in args else args)


class OneLineUsageGroup(click.Group):
    """The root group: click's own usage errors (a bad option value, a missing option, an
    unknown command) in every subcommand become BadInput's one line naming the command,
    instead of click's usage block. A bare group still prints its help. When the command
    line has --json, every error (usage, bad input, a failed command) is a JsonError."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        as_json = _asks_json(args)
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _shown(_usage_line(exc), as_json) from None
        ctx.meta[JSON_ERRORS] = as_json
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _shown(_usage_line(exc), bool(ctx.meta.get(JSON_ERRORS))) from None
        except click.ClickException as exc:
            if not ctx.meta.get(JSON_ERRORS):
                raise
            raise JsonError(exc) from None


def _shown(exc: click.ClickException, as_json: bool) -> click.ClickException:
    if not as_json or isinstance(exc, click.exceptions.NoArgsIsHelpError):
        return exc
    return JsonError(exc)


def _usage_line(exc: click.UsageError) -> click.ClickException:
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        return exc
    if exc.ctx is None:  # raised while parsing, before the command's context existed
        return BadInput(exc.format_message())
    command = exc.ctx.command_path
    return BadInput(f"{command}: {exc.format_message()} (see {command} --help)")
