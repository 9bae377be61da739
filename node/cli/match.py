"""`nets match run|trace|prove`: play one agent against one system and inspect its trace.

Every subcommand takes the same match options; bad input (unknown system, unreadable agent
file, bad param, bad seed, bad fuel) exits 2 with a one-line reason. Whatever the agent does,
a match that ran exits 0: its outcome is part of the report.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape
from rich.table import Table

from node.cli.common import (
    BadInput,
    console,
    discard_partial,
    json_option,
    print_json,
    refuse_overwriting_input,
    titled_table,
)
from node.cli.options import FUEL, SEED, output_option
from node.match import ENGINES, Engine, MatchResult, run_match
from node.systems.base import System, UnknownSystem, load_system
from node.trace import InclusionProof, StepEntry
from node.wasm import DEFAULT_FUEL, MAX_FUEL, AgentFileError, AgentProgram, Outcome, load_agent_file

F = TypeVar("F", bound=Callable[..., Any])


def parse_params(system: System, pairs: tuple[str, ...]) -> tuple[dict[str, int], bytes]:
    """The system's defaults overridden by ``k=v`` pairs, and their canonical encoding."""
    params = system.default_params()
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise BadInput(f"--param: expected key=value, got {pair!r}")
        if key not in params:
            known = ", ".join(sorted(params))
            raise BadInput(f"--param: {system.name} has no param {key!r} (known: {known})")
        try:
            params[key] = int(raw.strip(), 0)
        except ValueError:
            raise BadInput(f"--param: {key} must be an integer, got {raw!r}") from None
    try:
        encoded = system.encode_params(params)
    except (ValueError, OverflowError, KeyError) as exc:  # BadParams is a ValueError
        raise BadInput(f"--param: {exc}") from None
    return params, encoded


def load_program(path: str) -> AgentProgram:
    """The agent at ``path`` (.wasm or .wat); an invalid module loads and forfeits."""
    try:
        return AgentProgram.load(load_agent_file(Path(path)))
    except AgentFileError as exc:
        raise BadInput(f"--agent: {exc}") from None


@dataclass(frozen=True)
class MatchSetup:
    """Parsed match options: everything run_match needs, plus what the report names."""

    system: System
    params: dict[str, int]
    params_bytes: bytes
    seed: bytes
    program: AgentProgram
    fuel: int
    engine: Engine = "fast"

    @classmethod
    def parse(
        cls,
        system: str,
        agent: str,
        seed: int,
        fuel: int,
        params: tuple[str, ...],
        engine: Engine = "fast",
    ) -> MatchSetup:
        try:
            loaded = load_system(system)
        except UnknownSystem as exc:
            raise BadInput(str(exc)) from None
        values, encoded = parse_params(loaded, params)
        seed_bytes = seed.to_bytes(32, "big")
        return cls(loaded, values, encoded, seed_bytes, load_program(agent), fuel, engine)

    def run(self) -> MatchResult:
        return run_match(
            self.system, self.program, self.seed, self.params_bytes, self.fuel, engine=self.engine
        )


def outcome_name(outcome: int) -> str:
    """Protocol name of an outcome byte: ok, trap, out_of_fuel, invalid_action, invalid_module."""
    try:
        return Outcome(outcome).name.lower()
    except ValueError:
        return f"unknown_{outcome}"


def match_report(setup: MatchSetup, result: MatchResult) -> dict[str, Any]:
    """The JSON object of `nets match run --json`."""
    return {
        "system": setup.system.name,
        "params": dict(setup.params),
        "seed": "0x" + setup.seed.hex(),
        "agent_code_hash": "0x" + setup.program.code_hash.hex(),
        "abi": setup.program.abi,
        "steps": result.steps,
        "score": result.score,
        "outcome": outcome_name(result.outcome),
        "trace_root": "0x" + result.trace_root.hex(),
        "fuel_used": result.fuel_used,
        "engine": result.engine,
    }


def entry_record(entry: StepEntry, encoded: bytes) -> dict[str, Any]:
    """One line of a trace JSONL file: the decoded fields and the entry's bytes."""
    return {
        "step": entry.step,
        "pre_state_hash": "0x" + entry.pre_state_hash.hex(),
        "outcome": entry.outcome,
        "outcome_name": outcome_name(entry.outcome),
        "action": entry.action,
        "post_state_hash": "0x" + entry.post_state_hash.hex(),
        "entry": "0x" + encoded.hex(),
    }


def write_trace(result: MatchResult, out: Path) -> None:
    """Every step entry of ``result`` as one JSON object per line."""
    try:
        with out.open("w", encoding="utf-8") as sink:
            for encoded in result.entries:
                record = entry_record(StepEntry.decode(encoded), encoded)
                sink.write(json.dumps(record) + "\n")
    except OSError as exc:
        discard_partial(out)
        raise BadInput(f"--output: cannot write {out}: {exc.strerror or exc}") from None


def report_table(title: str, rows: Mapping[str, Any]) -> Table:
    table = titled_table(escape(title), show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in rows.items():  # values may come from files or the chain: no markup
        text = json.dumps(value) if isinstance(value, dict) else str(value)
        table.add_row(escape(key), escape(text))
    return table


def print_report(title: str, report: Mapping[str, Any], as_json: bool) -> None:
    """The report as one JSON document, or as a titled table for people."""
    if as_json:
        print_json(report)
    else:
        console.print(report_table(title, report))


def match_options(func: F) -> F:
    """The options every `nets match` subcommand shares."""
    decorators = [
        click.option("--system", "system", required=True, help="System name (e.g. snake)."),
        click.option("--agent", "agent", required=True, help="Agent module (.wasm or .wat)."),
        click.option(
            "--seed", default="0", show_default=True, type=SEED, help="Match seed: INT or 0xHEX."
        ),
        click.option(
            "--fuel",
            default=DEFAULT_FUEL,
            show_default=True,
            type=FUEL,
            help=f"Fuel per decision, at most {MAX_FUEL}.",
        ),
        click.option("--param", "params", multiple=True, help="System param as key=value."),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="fast",
            show_default=True,
            help="fast: the match in C (node.native), falling back to reference when it cannot.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


@click.group("match")
def match() -> None:
    """Play one agent against one system: run it, write its trace, prove a step."""


@match.command("run")
@match_options
@json_option
def run_cmd(
    system: str,
    agent: str,
    seed: int,
    fuel: int,
    params: tuple[str, ...],
    engine: Engine,
    as_json: bool,
) -> None:
    """Run one match and report steps, score, outcome, trace root and the engine that ran it."""
    setup = MatchSetup.parse(system, agent, seed, fuel, params, engine)
    print_report(f"{setup.system.name} match", match_report(setup, setup.run()), as_json)


@match.command("trace")
@match_options
@output_option("JSONL file to write the step entries to.", required=True)
@json_option
def trace_cmd(
    system: str,
    agent: str,
    seed: int,
    fuel: int,
    params: tuple[str, ...],
    engine: Engine,
    out: str,
    as_json: bool,
) -> None:
    """Run one match and write every step entry to a JSONL file."""
    setup = MatchSetup.parse(system, agent, seed, fuel, params, engine)
    refuse_overwriting_input(out, "--output", agent)
    result = setup.run()
    write_trace(result, Path(out))
    report = match_report(setup, result) | {"out": out}
    print_report(f"{setup.system.name} match trace", report, as_json)


@match.command("prove")
@match_options
@click.option("--step", "step", required=True, type=str, help="Step index to prove (0-based).")
@json_option
def prove_cmd(
    system: str,
    agent: str,
    seed: int,
    fuel: int,
    params: tuple[str, ...],
    engine: Engine,
    step: str,
    as_json: bool,
) -> None:
    """Print an inclusion proof of one step entry against the match's trace root."""
    setup = MatchSetup.parse(system, agent, seed, fuel, params, engine)
    try:
        index = int(step, 10)
    except ValueError:
        raise BadInput(f"--step: expected an integer, got {step!r}") from None
    result = setup.run()
    if not 0 <= index < result.steps:
        raise BadInput(f"--step: {index} out of range (the match has {result.steps} steps)")
    proof: InclusionProof = result.prove_step(index)
    if as_json:
        print_json(proof.to_dict())
        return
    entry = StepEntry.decode(result.entries[index])
    rows = entry_record(entry, result.entries[index]) | {
        "size": proof.size,
        "root": proof.root,
        "verifies": proof.verify(),
    }
    console.print(report_table(f"step {index} of {setup.system.name} match", rows))
    console.print("audit path (leaf upwards):")
    for sibling in proof.proof:
        console.print(f"  {sibling}")
