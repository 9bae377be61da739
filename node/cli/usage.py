"""Bad input and usage errors: one line on stderr, exit code 2.

Kept apart from node.cli.common (rich, tables, JSON) so that the root group, and with it
`nets --help` and `nets --version`, imports click and nothing else.
"""

from __future__ import annotations

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


class OneLineUsageGroup(click.Group):
    """The root group: click's own usage errors (a bad option value, a missing option, an
    unknown command) in every subcommand become BadInput's one line naming the command,
    instead of click's usage block. A bare group still prints its help."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _usage_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _usage_line(exc) from None


def _usage_line(exc: click.UsageError) -> click.ClickException:
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        return exc
    if exc.ctx is None:  # raised while parsing, before the command's context existed
        return BadInput(exc.format_message())
    command = exc.ctx.command_path
    return BadInput(f"{command}: {exc.format_message()} (see {command} --help)")
