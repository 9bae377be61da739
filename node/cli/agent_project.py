"""`nets agent new` and `nets agent build`: agent projects in Rust, C, AssemblyScript or WAT.

`new` writes a project from the shipped templates; `build` compiles it into a profile-v1
module, checks it, and plays one decision on the system's first observation.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from node.cli.common import BadInput, console, json_option, print_json


@click.command("new")
@click.argument("name")
@click.option(
    "--lang",
    required=True,
    type=click.Choice(["rust", "c", "assemblyscript", "wat"]),
    help="Source language.",
)
@click.option(
    "--system",
    required=True,
    type=click.Choice(["snake", "rps", "connect4", "predict"]),
    help="The system the agent plays.",
)
@click.option(
    "--abi",
    type=click.Choice(["v0", "v1"]),
    default="v1",
    show_default=True,
    help="v0: the observation is decide's u64; v1: it is written to memory.",
)
@click.option("--dir", "directory", default=None, help="Where to create it (default: ./NAME).")
@json_option
def new_cmd(
    name: str, lang: str, system: str, abi: str, directory: str | None, as_json: bool
) -> None:
    """Create agent project NAME: source, observation accessors, README, a match test."""
    from node.agents.scaffold import ScaffoldError, create

    target = Path(directory or name)
    try:
        written = create(target, name, lang, system, int(abi[1]))
    except ScaffoldError as exc:
        raise BadInput(str(exc)) from None
    report = {"project": str(target), "files": [str(p.relative_to(target)) for p in written]}
    if as_json:
        print_json(report)
    else:
        files = ", ".join(report["files"])
        console.print(escape(f"created {target} ({lang}, {system}, ABI {abi}): {files}"))
        console.print(escape(f"next: nets agent build {target}"))


@click.command("build")
@click.argument("path")
@click.option("--fuel", default=10_000, show_default=True, help="Fuel for the trial decision.")
@json_option
def build_cmd(path: str, fuel: int, as_json: bool) -> None:
    """Build PATH (project folder or .rs/.c/.ts/.wat file) into a checked profile-v1 module."""
    from node.agents.build import BuildError, build
    from node.systems.base import load_system

    try:
        built = build(path)
    except BuildError as exc:
        raise BadInput(str(exc)) from None
    program = built.program
    report: dict[str, object] = {
        "wasm": str(built.wasm),
        "lang": built.project.lang,
        "bytes": len(program.code),
        "abi": program.abi,
        "code_hash": "0x" + program.code_hash.hex(),
    }
    system_name = built.project.system
    if system_name is not None and program.abi is not None:
        system = load_system(system_name)
        state = system.initial_state(bytes(32), system.encode_params({}))
        decision = program.decide(system.observe(state, program.abi), fuel)
        report["trial"] = {
            "system": system_name,
            "outcome": decision.outcome.name.lower(),
            "value": decision.value,
            "fuel_used": decision.fuel_used,
        }
        if decision.outcome != 0:
            raise BadInput(
                f"{built.wasm}: first {system_name} decision ended with "
                f"{decision.outcome.name.lower()} ({decision.fuel_used} fuel)"
            )
    if as_json:
        print_json(report)
    else:
        trial = report.get("trial")
        tail = (
            f"; first {trial['system']} decision: {trial['outcome']}, value {trial['value']}, "
            f"{trial['fuel_used']} fuel"
            if isinstance(trial, dict)
            else ""
        )
        console.print(
            escape(
                f"built {built.wasm}: {report['bytes']} bytes, ABI v{program.abi}, "
                f"inside profile v1{tail}"
            )
        )
