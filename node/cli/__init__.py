"""The `nets` command line: subcommands grouped by noun.

Each command's module is imported only when that command runs (or help lists it), so a quick
command such as `nets wasm run` does not pay for the database, web3 and simulator imports.
"""

from __future__ import annotations

import importlib

import click

from node.cli.common import OneLineUsageGroup

COMMANDS: dict[str, tuple[str, str]] = {
    "doctor": ("node.cli.doctor", "doctor"),
    "chain": ("node.cli.chain", "chain"),
    "agent": ("node.cli.agent", "agent"),
    "demo": ("node.cli.demo", "demo"),
    "match": ("node.cli.match", "match"),
    "league": ("node.cli.league", "league"),
    "run": ("node.cli.sim", "run_cmd"),
    "init": ("node.cli.sim", "init_cmd"),
    "scenarios": ("node.cli.sim", "scenarios_group"),
    "inspect": ("node.cli.sim", "inspect_cmd"),
    "plugins": ("node.cli.sim", "plugins_group"),
    "validate": ("node.cli.validate", "validate_cmd"),
    "report": ("node.cli.report", "report_cmd"),
    "sim": ("node.cli.sim_verify", "sim_group"),
    "wasm": ("node.cli.wasm", "wasm"),
    "submit": ("node.cli.submit", "submit_cmd"),
    "verify": ("node.cli.verify", "verify_cmd"),
    "sweep": ("node.cli.sweep", "sweep_cmd"),
    "node": ("node.cli.node", "node_group"),
}
"""Command name -> (module, attribute) of its click command."""


class LazyGroup(OneLineUsageGroup):
    """The root group, loading each subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command), f"{module}.{attribute}"
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nets-node", prog_name="nets")
def main() -> None:
    """nets: settlement node for verifiable agent competitions."""
