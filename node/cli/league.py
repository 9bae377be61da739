"""`nets league`: league definitions (list, show, validate), local rounds (play) and the league
actions on chain (create, open-round, settle), each recorded in the node's outbox first.

Bad input (a league file with a bad field, an unknown league, a bad seed) exits 2 with one line
naming the field and the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from node.cli.chain_context import SignerChoice, chain_options, open_node, signer_options
from node.cli.common import (
    BadInput,
    console,
    json_option,
    print_json,
    progress_bar,
    titled_table,
)
from node.cli.executor_options import executor_options, opened_executor
from node.cli.match import report_table
from node.cli.options import SEED, workers_option
from node.db import Outbox
from node.league.catalog import league_files, resolve_league
from node.league.definition import LeagueDefinition, LeagueError, load_league
from node.league.rounds import RoundResult, RoundSpec, run_round
from node.wasm import AgentFileError, load_agent_file

if TYPE_CHECKING:
    pass


def resolve_definition(name_or_file: str) -> LeagueDefinition:
    try:
        return resolve_league(name_or_file)
    except LeagueError as exc:
        raise BadInput(str(exc)) from None


def league_summary(definition: LeagueDefinition) -> dict[str, Any]:
    """The JSON object of `nets league show --json`."""
    return {
        **definition.terms(),
        "systemParamsEncoded": "0x" + definition.params_bytes.hex(),
        "allParams": definition.params,
        "digest": "0x" + definition.digest().hex(),
    }


@click.group("league")
def league() -> None:
    """League definitions, local rounds, and league actions on chain."""


@league.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """The league definitions in scenarios/leagues/."""
    rows: list[dict[str, Any]] = []
    for path in league_files():
        try:
            definition = load_league(path)
        except LeagueError as exc:
            rows.append({"file": str(path), "name": path.stem, "error": str(exc)})
            continue
        rows.append(
            {
                "file": str(path),
                "name": definition.name,
                "system": definition.system,
                "matchesPerRound": definition.matches_per_round,
                "minStake": definition.min_stake,
                "description": definition.description,
            }
        )
    if as_json:
        print_json(rows)
        return
    table = titled_table("leagues")
    for column in ("name", "system", "matches", "min stake (wei)", "description"):
        table.add_column(column)
    for row in rows:
        if "error" in row:
            table.add_row(escape(row["name"]), "-", "-", "-", f"[red]{escape(row['error'])}[/red]")
        else:
            table.add_row(
                escape(row["name"]),
                escape(row["system"]),
                str(row["matchesPerRound"]),
                str(row["minStake"]),
                escape(row["description"]),
            )
    console.print(table)


@league.command("show")
@click.argument("league_ref", metavar="NAME|FILE")
@json_option
def show_cmd(league_ref: str, as_json: bool) -> None:
    """A league's terms, as the Arena will hold them."""
    summary = league_summary(resolve_definition(league_ref))
    if as_json:
        print_json(summary)
    else:
        console.print(report_table(f"league {summary['name']}", summary))


@league.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def validate_cmd(file: Path, as_json: bool) -> None:
    """Check a league file; exit 2 naming the first bad field."""
    try:
        definition = load_league(file)
    except LeagueError as exc:
        raise BadInput(str(exc)) from None
    if as_json:
        print_json({"file": str(file), "valid": True, "name": definition.name})
    else:
        console.print(f"{escape(str(file))}: league {definition.name!r} is valid")


def _load_agents(paths: tuple[str, ...]) -> dict[int, bytes]:
    agents: dict[int, bytes] = {}
    for number, path in enumerate(paths, start=1):
        try:
            agents[number] = load_agent_file(Path(path))
        except AgentFileError as exc:
            raise BadInput(f"--agent: {exc}") from None
    return agents


def round_report(result: RoundResult) -> dict[str, Any]:
    """The JSON object of `nets league play --json`."""
    return {
        "system": result.spec.system,
        "roundSeed": "0x" + result.spec.round_seed.hex(),
        "matchesPerRound": result.spec.matches_per_round,
        "claims": [
            {
                "agentId": entry.agent_id,
                "codeHash": "0x" + entry.code_hash.hex(),
                "claimRoot": "0x" + entry.claim_root.hex(),
                "scores": list(entry.scores),
                "total": entry.total,
            }
            for entry in result.agents
        ],
        "ranking": [entry.agent_id for entry in result.ranking()],
    }


@league.command("play")
@click.argument("league_ref", metavar="NAME|FILE")
@click.option(
    "--agent", "agents", multiple=True, required=True, help="Agent file; ids 1, 2, ... in order."
)
@click.option(
    "--round-seed", default="0", show_default=True, type=SEED, help="Round seed: INT or 0xHEX."
)
@workers_option(default=None)
@executor_options
@json_option
def play_cmd(
    league_ref: str,
    agents: tuple[str, ...],
    round_seed: int,
    workers: int | None,
    executor: str,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Play one round of the league locally: every match of every agent, and their claims."""
    definition = resolve_definition(league_ref)
    seed = round_seed.to_bytes(32, "big")
    codes = _load_agents(agents)
    spec = RoundSpec(
        definition.system,
        definition.params_bytes,
        definition.fuel_per_decision,
        definition.matches_per_round,
        seed,
    )
    total = len(codes) * spec.matches_per_round
    with (
        opened_executor(executor, workers, ray_address) as runner,
        progress_bar("matches", disable=as_json) as progress,
    ):
        task = progress.add_task("round", total=total)
        result = run_round(
            spec,
            codes,
            executor=runner,
            progress=lambda done: progress.advance(task, done),
        )
    report = round_report(result)
    if as_json:
        print_json(report)
        return
    table = titled_table(f"{definition.name} round")
    for column in ("rank", "agent", "total", "scores"):
        table.add_column(column)
    table.add_column("claim root", overflow="fold")
    for rank, entry in enumerate(result.ranking()):
        table.add_row(
            str(rank),
            str(entry.agent_id),
            str(entry.total),
            json.dumps(list(entry.scores)),
            "0x" + entry.claim_root.hex(),
        )
    console.print(table)


# -- chain actions -----------------------------------------------------------------------------


@league.command("create")
@click.argument("league_ref", metavar="NAME|FILE")
@chain_options
@signer_options
@json_option
def create_cmd(
    league_ref: str, chain: str | None, db_url: str | None, signer: SignerChoice, as_json: bool
) -> None:
    """Create the league on chain (once per definition: a rerun reports the same id)."""
    definition = resolve_definition(league_ref)
    from node.league import actions  # late: the chain adapters load only for chain commands

    with open_node(chain, db_url, signer) as (adapter, db, _name):
        league_id = actions.create_league(db, adapter, definition)
        report = {"leagueId": league_id, "name": definition.name, "chainId": adapter.chain_id}
    if as_json:
        print_json(report)
    else:
        console.print(
            f"league {definition.name!r} is league {league_id} on chain {report['chainId']}"
        )


def _positive(value: str, what: str) -> int:
    try:
        number = int(value, 10)
    except ValueError:
        raise BadInput(f"{what}: expected an integer, got {value!r}") from None
    if not 1 <= number < 2**64:
        raise BadInput(f"{what}: must be between 1 and 2**64-1")
    return number


@league.command("open-round")
@click.argument("league_id", metavar="LEAGUE_ID")
@click.option(
    "--sequence",
    default=None,
    help="Which round of the league this is (1, 2, ...): a retry with the same number never "
    "opens a second round. Default: one more than the rounds this node has opened.",
)
@chain_options
@signer_options
@json_option
def open_round_cmd(
    league_id: str,
    sequence: str | None,
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice,
    as_json: bool,
) -> None:
    """Open a round of a league this node created; fix its seed when the seed block exists."""
    league_number = _positive(league_id, "LEAGUE_ID")
    from node.league import actions  # late: the chain adapters load only for chain commands

    with open_node(chain, db_url, signer) as (adapter, db, _name):
        if sequence is None:
            number = Outbox(db, adapter.chain_id).next_sequence("open_round", league_number)
        else:
            number = _positive(sequence, "--sequence")
        opened = actions.open_round(db, adapter, league_number, number)
        seed = actions.fix_seed(db, adapter, opened.round_id)
        report = {
            "roundId": opened.round_id,
            "leagueId": opened.league_id,
            "sequence": number,
            "seedBlock": opened.seed_block,
            "submitDeadline": opened.submit_deadline,
            "challengeDeadline": opened.challenge_deadline,
            "seed": "0x" + seed.hex() if seed is not None else None,
        }
    if as_json:
        print_json(report)
    else:
        console.print(report_table(f"round {opened.round_id}", report))


@league.command("settle")
@click.argument("round_id", metavar="ROUND_ID")
@chain_options
@signer_options
@json_option
def settle_cmd(
    round_id: str, chain: str | None, db_url: str | None, signer: SignerChoice, as_json: bool
) -> None:
    """Settle a round: its live claims ranked by total, then agent id."""
    number = _positive(round_id, "ROUND_ID")
    from node.league import actions  # late: the chain adapters load only for chain commands

    with open_node(chain, db_url, signer) as (adapter, db, _name):
        ranked = actions.settle_round(db, adapter, number)
    report = {
        "roundId": number,
        "ranking": [
            {"agentId": o.agent_id, "total": sum(o.scores), "claimRoot": "0x" + o.claim_root.hex()}
            for o in ranked
        ],
    }
    if as_json:
        print_json(report)
    else:
        console.print(f"round {number} settled with {len(ranked)} claims")
        for rank, entry in enumerate(report["ranking"]):
            console.print(f"  {rank}. agent {entry['agentId']}: {entry['total']}")
