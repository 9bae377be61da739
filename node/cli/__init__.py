"""The `nets` command line: subcommands grouped by noun."""

from __future__ import annotations

import click

from node.cli import agent as agent_cmd
from node.cli import chain as chain_cmd
from node.cli import demo as demo_cmd
from node.cli import doctor as doctor_cmd
from node.cli import league as league_cmd
from node.cli import match as match_cmd
from node.cli import report as report_cmd
from node.cli import sim as sim_cmd
from node.cli import sim_verify as sim_verify_cmd
from node.cli import submit as submit_cmd
from node.cli import validate as validate_cmd
from node.cli import verify as verify_cmd
from node.cli import wasm as wasm_cmd
from node.cli.common import OneLineUsageGroup


@click.group(cls=OneLineUsageGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nets-node", prog_name="nets")
def main() -> None:
    """nets: settlement node for verifiable agent competitions."""


main.add_command(doctor_cmd.doctor)
main.add_command(chain_cmd.chain)
main.add_command(agent_cmd.agent)
main.add_command(demo_cmd.demo)
main.add_command(match_cmd.match)
main.add_command(league_cmd.league)
main.add_command(sim_cmd.run_cmd)
main.add_command(sim_cmd.scenarios_group)
main.add_command(sim_cmd.inspect_cmd)
main.add_command(sim_cmd.plugins_group)
main.add_command(validate_cmd.validate_cmd)
main.add_command(report_cmd.report_cmd)
main.add_command(sim_verify_cmd.sim_group)
main.add_command(wasm_cmd.wasm)
main.add_command(submit_cmd.submit_cmd)
main.add_command(verify_cmd.verify_cmd)
