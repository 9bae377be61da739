"""`nets demo`: the showcase run on the embedded default (no external process).

Until the league demo lands this is one snake match with the repository's good agent:
it runs the match, writes its trace, proves its last step and prints what a claim carries.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.panel import Panel
from rich.table import Table

from node.cli.common import BadInput, console, json_option, print_json
from node.cli.match import DEFAULT_FUEL, MatchSetup, match_report, outcome_name, write_trace
from node.trace import StepEntry, claim_root

REPO_ROOT = Path(__file__).resolve().parents[2]
SHOWCASE_SYSTEM = "snake"
SHOWCASE_AGENT = REPO_ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat"
SHOWN_STEPS = 3


def _entries_table(entries: list[StepEntry]) -> Table:
    table = Table(title="trace (first and last steps)", title_justify="left")
    for column in ("step", "pre-state hash", "outcome", "action", "post-state hash"):
        table.add_column(column)
    shown = entries if len(entries) <= 2 * SHOWN_STEPS else entries[:SHOWN_STEPS]
    for entry in shown:
        table.add_row(*_row(entry))
    if len(entries) > 2 * SHOWN_STEPS:
        table.add_row("...", "", "", "", "")
        for entry in entries[-SHOWN_STEPS:]:
            table.add_row(*_row(entry))
    return table


def _row(entry: StepEntry) -> tuple[str, str, str, str, str]:
    return (
        str(entry.step),
        "0x" + entry.pre_state_hash.hex()[:16] + "...",
        outcome_name(entry.outcome),
        str(entry.action),
        "0x" + entry.post_state_hash.hex()[:16] + "...",
    )


@click.command()
@click.option("--seed", default="0", show_default=True, help="Match seed: INT or 0xHEX.")
@click.option(
    "--out",
    default="runs/demo/snake-trace.jsonl",
    show_default=True,
    help="Where to write the match trace (JSONL, one step entry per line).",
)
@json_option
def demo(seed: str, out: str, as_json: bool) -> None:
    """Run the showcase on the embedded default (no external process)."""
    if not SHOWCASE_AGENT.is_file():
        raise BadInput(f"showcase agent not found at {SHOWCASE_AGENT}")
    setup = MatchSetup.parse(SHOWCASE_SYSTEM, str(SHOWCASE_AGENT), seed, str(DEFAULT_FUEL), ())
    started = time.perf_counter()
    result = setup.run()
    elapsed = time.perf_counter() - started
    trace_path = Path(out)
    try:
        trace_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"--out: cannot create {trace_path.parent}: {exc.strerror or exc}") from None
    write_trace(result, trace_path)
    proof = result.prove_step(result.steps - 1) if result.steps else None
    summary_leaf = result.summary(0)
    report = match_report(setup, result) | {
        "match_summary": "0x" + summary_leaf.encode().hex(),
        "claim_root": "0x" + claim_root([summary_leaf]).hex(),
        "agent": str(SHOWCASE_AGENT.relative_to(REPO_ROOT)),
        "trace_file": str(trace_path.resolve()),
        "last_step_proof_verifies": proof.verify() if proof else None,
        "steps_per_second": round(result.steps / elapsed) if elapsed > 0 else None,
    }
    if as_json:
        print_json(report)
        return
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column(overflow="fold")
    for key in ("system", "params", "seed", "agent", "agent_code_hash", "abi"):
        summary.add_row(key, str(report[key]))
    summary.add_row("steps", str(result.steps))
    summary.add_row("score", str(result.score))
    outcome_style = "green" if result.outcome == 0 else "red"
    summary.add_row("outcome", f"[{outcome_style}]{report['outcome']}[/]")
    summary.add_row("fuel used", f"{result.fuel_used:,}")
    summary.add_row("trace root", report["trace_root"])
    summary.add_row("trace written to", report["trace_file"])
    if proof is not None:
        summary.add_row(
            "last step proof",
            f"{len(proof.proof)} hashes, verifies: {report['last_step_proof_verifies']}",
        )
    summary.add_row("claim leaf", report["match_summary"])
    summary.add_row("claim root (1 match)", report["claim_root"])
    summary.add_row("speed", f"{report['steps_per_second']:,} steps/s (hashing included)")
    console.print(Panel(summary, title="nets demo: one snake match", expand=False))
    console.print(_entries_table(result.step_entries()))
    console.print(
        f"Replay it: nets match run --system {SHOWCASE_SYSTEM} --agent {_shown_path()} "
        f"--seed 0x{setup.seed.hex()}",
        soft_wrap=True,
    )


def _shown_path() -> str:
    """The agent path as the user can type it from the current directory."""
    try:
        return str(SHOWCASE_AGENT.relative_to(Path.cwd()))
    except ValueError:
        return str(SHOWCASE_AGENT)
