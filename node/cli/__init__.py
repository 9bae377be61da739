"""The `nets` command line: subcommands grouped by noun.

Each command's module is imported only when that command runs, so a quick command such as
`nets wasm run` does not pay for the database, web3 and simulator imports, and `nets --help`
lists every command from the one-line summaries below without importing any of them.
"""

from __future__ import annotations

import importlib

import click

from node.cli.usage import OneLineUsageGroup

COMMANDS: dict[str, tuple[str, str, str]] = {
    "agent": ("node.cli.agent", "agent", "An owner's agents: register with a stake, status, unstake..."),
    "chain": ("node.cli.chain", "chain", "Local devnet: anvil with the contracts deployed; status, stop."),
    "dashboard": ("node.cli.dashboard", "dashboard_cmd", "Live read-only web pages: leagues, disputes, replays, sim runs."),
    "demo": ("node.cli.demo", "demo", "A full league round with a cheater and a hostile agent, settled."),
    "doctor": ("node.cli.doctor", "doctor", "Check Python, wasmtime, anvil/forge/solc, database, plugins."),
    "init": ("node.cli.sim", "init_cmd", "Scaffold a scenario file NAME.yaml with every layer named."),
    "inspect": ("node.cli.sim", "inspect_cmd", "Summarize a simulator trace: events by kind, per agent, timing."),
    "league": ("node.cli.league", "league", "League definitions, local rounds, and league actions on chain."),
    "match": ("node.cli.match", "match", "Play one agent against one system; replay and check traces."),
    "node": ("node.cli.node", "node_group", "This node's own records: resync them from the chain."),
    "plugins": ("node.cli.sim", "plugins_group", "Simulator layer plugins found through entry points."),
    "report": ("node.cli.report", "report_cmd", "Write a simulator trace's metrics, charts and verdicts as HTML."),
    "run": ("node.cli.sim", "run_cmd", "Run a scenario (a built-in NAME or a YAML FILE) into a trace."),
    "scenarios": ("node.cli.sim", "scenarios_group", "Built-in scenarios shipped with the node."),
    "sim": ("node.cli.sim_verify", "sim_group", "Simulator trace verification."),
    "submit": ("node.cli.submit", "submit_cmd", "Claim open rounds for the agents and defend every claim."),
    "sweep": ("node.cli.sweep", "sweep_cmd", "Run a scenario over a grid of overrides and seeds; CSV, HTML."),
    "validate": ("node.cli.validate", "validate_cmd", "Check a scenario's properties over a trace."),
    "verify": ("node.cli.verify", "verify_cmd", "Verify every claim and dispute the wrong ones to the end."),
    "wasm": ("node.cli.wasm", "wasm", "Agent sandbox: run decisions, check modules against the profile."),
}  # fmt: skip
"""Command name -> (module, attribute) of its click command, and the line `nets --help` shows
for it (at most 64 characters, so the list fits an 80-column terminal unwrapped)."""


class LazyGroup(OneLineUsageGroup):
    """The root group, loading each subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS: help imports no command module."""
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute, _ = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command), f"{module}.{attribute}"
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nets-node", prog_name="nets")
def main() -> None:
    """nets: settlement node for verifiable agent competitions."""
