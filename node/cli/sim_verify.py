"""`nets sim verify TRACE`: replay the scenario a trace names and compare Merkle roots.

A run is deterministic (same scenario, seed and plugins give byte-identical traces), so a
trace is verified by running its scenario again and comparing the RFC 9162 roots: the root of
the file as it is, the root stored beside it (TRACE.root, if any) and the replay's root.
Exit codes: 0 all equal, 1 mismatch, 2 bad input (unreadable trace, scenario not found).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from node.cli.common import BadInput, console, json_option, print_json
from node.cli.sim import load_scenario
from node.sim import engine, scenario
from node.sim.trace import file_root, stored_root

HEADER_KEYS = ("name", "seed", "task", "agents", "horizon", "layers", "failures", "network")


def _header(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            first = fh.readline(1 << 20)
        header = json.loads(first)
    except (OSError, ValueError, RecursionError) as exc:
        raise BadInput(f"cannot read a run header from {path}: {exc}") from None
    if not isinstance(header, dict) or header.get("kind") != "run":
        raise BadInput(f"{path}: the first line is not a run header")
    return header


def _builtin_named(header: dict[str, Any], trace: str) -> Path:
    """The built-in scenario the header names. Only a built-in: the trace is the input being
    checked, so its header must not pick a file on this machine to read and run."""
    name = header.get("name")
    path = scenario.builtin_scenarios().get(name) if isinstance(name, str) else None
    if path is None:
        raise BadInput(
            f"{trace}: the run header names {name!r}, not a built-in scenario: "
            "give --scenario NAME|FILE"
        )
    return path


@click.group("sim")
def sim_group() -> None:
    """Simulator trace verification."""


def _is_cut_short(trace: Path, replay: Path) -> bool:
    """Whether ``trace`` is a strict prefix of ``replay`` line by line (a run cut short, or a
    file truncated after it was written); a last line cut mid-way counts as well. Streaming."""
    with trace.open("rb") as mine, replay.open("rb") as full:
        for line in mine:
            expected = full.readline()
            if line != expected and not (not line.endswith(b"\n") and expected.startswith(line)):
                return False
        return bool(full.readline())


@sim_group.command("verify")
@click.argument("trace", type=click.Path(dir_okay=False))
@click.option(
    "--scenario",
    "source",
    metavar="NAME|FILE",
    help="Scenario to replay (default: the built-in named in the trace header).",
)
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Overrides of the run.")
@json_option
def verify_cmd(trace: str, source: str | None, sets: tuple[str, ...], as_json: bool) -> None:
    """Replay TRACE's scenario with its seed and check the roots are identical."""
    path = Path(trace)
    if not path.is_file():
        raise BadInput(f"no trace file {trace}")
    header = _header(path)
    seed = header.get("seed")
    if type(seed) is not int or not 0 <= seed < 1 << 64:
        raise BadInput(f"{trace}: the run header has no valid seed")
    resolved = load_scenario(source or str(_builtin_named(header, trace)), seed, sets)
    file_hash, lines = file_root(path)
    stored = stored_root(path)
    if stored is not None:
        stored = stored.lower()
    with tempfile.TemporaryDirectory(prefix="nets-verify-") as tmp:
        replay = engine.run(resolved, Path(tmp) / "replay.jsonl")
        replay_header = _header(Path(tmp) / "replay.jsonl")
        truncated = lines < replay.trace_lines and _is_cut_short(path, Path(tmp) / "replay.jsonl")
    differs = [k for k in HEADER_KEYS if header.get(k) != replay_header.get(k)]
    file_root_hex = "0x" + file_hash.hex()
    replay_root = "0x" + (replay.root or b"").hex()
    ok = file_root_hex == replay_root and stored in (None, file_root_hex)
    result = {
        "trace": trace,
        "lines": lines,
        "file_root": file_root_hex,
        "stored_root": stored,
        "replay_root": replay_root,
        "replay_lines": replay.trace_lines,
        "header_differs": differs,
        "truncated": truncated,
        "verified": ok,
    }
    if as_json:
        print_json(result)
    else:
        console.print(f"file root    {file_root_hex} ({lines} lines)")
        console.print(f"stored root  {escape(stored or 'none beside the trace')}")
        console.print(f"replay root  {replay_root} ({replay.trace_lines} lines)")
        if differs:
            console.print(f"run header differs from the replay in: {', '.join(differs)}")
        if truncated:
            console.print(
                f"trace is truncated: its {lines} lines are the first of the replay's "
                f"{replay.trace_lines}"
            )
        console.print("[green]verified[/]" if ok else "[red]MISMATCH[/]")
    if not ok:
        sys.exit(1)
