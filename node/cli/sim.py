"""Simulator commands: `nets run`, `nets scenarios`, `nets inspect`, `nets plugins`."""

from __future__ import annotations

import atexit
import gc
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from adapters.errors import AdapterError
from node.cli import common, plain
from node.cli.common import (
    BadInput,
    discard_partial,
    json_option,
    print_json,
    refuse_overwriting_input,
    titled_table,
)
from node.cli.options import CHAIN_HELP, SEED64, output_option
from node.sim import engine, scenario
from node.sim.trace import root_path, worker_hashing_available

if TYPE_CHECKING:
    from adapters.select import OpenedChain

# The chain (web3, the adapters), the trace reader and the plugin list are imported by the
# commands that use them: `nets run` without --chain/--anchor does not pay for them, nor for
# rich when its output is JSON or goes to a pipe or file (node.cli.plain).


def escape(text: str) -> str:
    """rich markup escaping (rich loads with the first table or colour drawn)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def load_scenario(source: str, seed: int | None, sets: tuple[str, ...]) -> scenario.Resolved:
    """A built-in NAME or a YAML FILE with overrides; a ScenarioError is BadInput (exit 2)."""
    try:
        return scenario.load(source, overrides=sets, seed=seed)
    except scenario.ScenarioError as exc:
        raise BadInput(str(exc)) from None


RUN_FIELDS = ("name", "seed", "task", "agents")
_final_collection_skipped = False


def skip_final_collection() -> None:
    """At exit, freeze the heap instead of letting the interpreter's last collection walk it.

    A run's agents, plugins and imports live until the process ends, and nothing a run leaves
    needs a finalizer (the trace, its root and the report are closed before the command
    returns), so that walk frees nothing: at 1,000 agents it was about 0.03 CPU-s, a tenth of
    the run. Registered once per process; in a long-lived process it only changes its exit.
    """
    global _final_collection_skipped
    if not _final_collection_skipped:
        _final_collection_skipped = True
        atexit.register(gc.freeze)


_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
HEAP_MMAP_THRESHOLD = 4 << 20
"""Blocks below this come from the heap (a trace flush's text and bytes: about 1 MB each)."""
HEAP_TRIM_THRESHOLD = 32 << 20
"""Free memory at the top of the heap that glibc keeps instead of handing back."""


def keep_freed_heap() -> bool:
    """Let glibc keep the heap a traced run frees, for the rest of this process.

    Every trace flush joins 8,192 lines into one text and one bytes object (about 1 MB each)
    and frees both once written and hashed. By default glibc then hands the top of the heap
    back to the kernel, and the next flush faults the same pages in again: 4,700 of the
    11,700 page faults of the 1,000-agent marketplace run, about 2 us each on this machine's
    VMs (docs/benchmarks/nanda.md). Kept, the pages are reused. The peak RSS does not grow:
    those pages were in use at the peak. True when glibc took the settings; elsewhere (no
    ``mallopt``) nothing changes.
    """
    import ctypes

    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(
        mallopt(_M_MMAP_THRESHOLD, HEAP_MMAP_THRESHOLD)
        and mallopt(_M_TRIM_THRESHOLD, HEAP_TRIM_THRESHOLD)
    )


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"


@click.command("run")
@click.argument("source", metavar="NAME|FILE")
@click.option("--seed", type=SEED64, help="Override the scenario seed: INT or 0xHEX, 64 bits.")
@output_option("Trace file (JSONL).", type=click.Path(dir_okay=False))
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a field, e.g. agents.count=10.",
)
@click.option(
    "--ticks",
    type=click.IntRange(1, 1 << 62),
    help='Override the duration: the virtual-time horizon (duration: "ticks: N").',
)
@click.option(
    "--trace-format",
    type=click.Choice(["nets", "nanda"]),
    default="nets",
    show_default=True,
    help="nanda: Nanda Town's JSONL (its `nest inspect` reads it; no Merkle root is kept).",
)
@click.option("--no-trace", is_flag=True, help="Run without writing a trace (for timing).")
@click.option(
    "--hash-worker/--no-hash-worker",
    default=None,
    help="Hash the trace in a second process (default: when there are >= 4 CPUs).",
)
@click.option("--anchor", is_flag=True, help="Post the trace root to a TraceAnchor on the chain.")
@click.option(
    "--chain",
    "chain",
    metavar="SPEC",
    help=f"{CHAIN_HELP}; for --anchor and the chain-backed plugins (default memory).",
)
@json_option
def run_cmd(
    source: str,
    seed: int | None,
    out: str | None,
    sets: tuple[str, ...],
    ticks: int | None,
    trace_format: str,
    no_trace: bool,
    hash_worker: bool | None,
    anchor: bool,
    chain: str | None,
    as_json: bool,
) -> None:
    """Run a scenario (a built-in NAME or a YAML FILE) and print its trace Merkle root."""
    if out is not None and not out.strip():
        raise BadInput("--output: empty path")  # else the scenario's default trace is written
    if ticks is not None:
        sets = (*sets, f'duration="ticks: {ticks}"')
    resolved = load_scenario(source, seed, sets)
    if anchor and no_trace:
        raise BadInput("--anchor needs the trace root: drop --no-trace")
    if out and no_trace:
        raise BadInput("--output names a trace that --no-trace does not write: give one of them")
    nanda = trace_format == "nanda"
    if nanda and (anchor or no_trace):
        raise BadInput(
            "--trace-format nanda writes a trace without a root: drop --anchor/--no-trace"
        )
    final_path = Path(out or resolved.scenario.output.trace)
    # a Nanda Town trace is converted from the nets trace, written beside it first
    trace_path = final_path.with_name(final_path.name + ".nets") if nanda else final_path
    if not no_trace:
        refuse_overwriting_input(final_path, "--output" if out else "output.trace", source)
        report = resolved.scenario.output.report
        if report is not None:
            refuse_overwriting_input(report, "output.report", source)
            if Path(report).resolve() == final_path.resolve():
                raise BadInput(f"output.report: {report} is the trace file; choose another path")
    skip_final_collection()
    if not no_trace:
        keep_freed_heap()
    with ExitStack() as stack:
        opened = stack.enter_context(_open(chain)) if anchor or chain else None
        if opened is not None:
            from node.sim.chain.session import use_chain

            stack.enter_context(use_chain(opened.adapter))
        try:
            result = engine.run(
                resolved,
                None if no_trace else trace_path,
                keep_trace=not no_trace,
                hash_worker=worker_hashing_available() if hash_worker is None else hash_worker,
            )
        except BaseException as exc:
            if not no_trace:  # a trace cut short (and an older root beside it) must not stay
                discard_partial(trace_path, root_path(trace_path))
            if isinstance(exc, OSError):
                raise BadInput(f"cannot write trace {trace_path}: {exc.strerror or exc}") from None
            if isinstance(exc, AdapterError):
                from adapters.select import chain_spec

                raise BadInput(
                    f"chain {chain_spec(chain)!r} failed during the run: {exc}"
                ) from None
            raise
        anchored = None
        if anchor and opened is not None and result.root is not None:
            from adapters.select import chain_spec
            from node.sim.chain.anchor import anchor_root, scenario_hash

            try:
                anchored = anchor_root(
                    opened.adapter, result.root, scenario_hash(resolved), resolved.scenario.seed
                )
            except AdapterError as exc:
                raise BadInput(f"cannot anchor on {chain_spec(chain)!r}: {exc}") from None
    if nanda:
        result = _as_nanda(result, trace_path, final_path)
    _announce_event_cap(resolved, result)
    report = resolved.scenario.output.report
    if report and result.trace_path is not None:
        _write_report(Path(result.trace_path), Path(report))
    if as_json:
        print_json({"run": result, "anchor": anchored} if anchor else result)
        return
    title = f"{result.name} (seed {result.seed})"
    rows: list[tuple[str, str]] = [
        ("agents", str(result.agents)),
        ("events", str(result.events)),
        ("messages sent / delivered", f"{result.sent} / {result.delivered}"),
        ("dropped", ", ".join(f"{k} {v}" for k, v in result.dropped.items()) or "0"),
        ("virtual end time (ticks)", str(result.end_time)),
        ("wall time (s)", f"{result.wall_seconds:.3f}"),
        ("events/s", f"{result.events_per_second:,.0f}"),
    ]
    rows += [(name, _fmt(value)) for name, value in result.metrics.items()]
    lines: list[str] = []
    if result.trace_path is not None:
        lines.append(f"trace  {result.trace_path} ({result.trace_lines} lines)")
    if result.root is not None:
        lines.append(f"root   0x{result.root.hex()}")
    text = None
    if anchored is None and plain.plain_stream(sys.stdout):
        columns: list[tuple[str, plain.Justify]] = [("measure", "left"), ("value", "right")]
        text = plain.table_text(title, columns, rows, lines, width=plain.console_width())
    if text is not None:
        sys.stdout.write(text)
        return
    console = common.console
    table = titled_table(escape(title))
    table.add_column("measure")
    table.add_column("value", justify="right")
    for row in rows:
        table.add_row(*map(escape, row))
    console.print(table)
    for line in lines:
        console.print(escape(line))
    if anchored is not None:
        from adapters.select import chain_spec

        console.print(
            f"anchored 0x{anchored.root.hex()} on {escape(chain_spec(chain))} at block "
            f"{anchored.block_number} (TraceAnchor {anchored.contract}, "
            f"scenario 0x{anchored.scenario_hash.hex()})"
        )


def _as_nanda(result: engine.RunResult, nets_trace: Path, out: Path) -> engine.RunResult:
    """Convert the run's nets trace to Nanda Town's format at ``out``; the nets trace and its
    root are removed (the root is over nets lines)."""
    from dataclasses import replace

    from node.sim.nanda_trace import convert_to_nanda

    try:
        lines = convert_to_nanda(nets_trace, out)
    except OSError as exc:
        discard_partial(out)
        raise BadInput(f"cannot write trace {out}: {exc.strerror or exc}") from None
    finally:
        discard_partial(nets_trace, root_path(nets_trace))
    return replace(result, trace_path=str(out), trace_lines=lines, root=None)


def _announce_event_cap(resolved: scenario.Resolved, result: engine.RunResult) -> None:
    """One stderr line when the file's duration means something else in Nanda Town: there
    "ticks: N" caps processed events (each agent's start event included), so this run would
    have stopped early; here N is a virtual-time horizon (docs/protocol/sim.md)."""
    cap = resolved.scenario.max_ticks
    nanda_events = result.agents + result.events
    if nanda_events > cap:
        click.echo(
            f"note: duration 'ticks: {cap}' is a virtual-time horizon here; Nanda Town counts "
            f"it as processed events and would have stopped this run after {cap} of its "
            f"{nanda_events} (docs/protocol/sim.md, duration)",
            err=True,
        )


def _write_report(trace: Path, out: Path) -> None:
    """``output.report``: the `nets report` HTML of the trace just written."""
    from node.sim.report.write import report_html

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report_html(trace), encoding="utf-8")
    except OSError as exc:
        discard_partial(out)
        raise BadInput(f"cannot write report {out}: {exc.strerror or exc}") from None


def _open(spec: str | None) -> OpenedChain:
    from adapters.select import open_chain

    try:
        return open_chain(spec)
    except AdapterError as exc:
        raise BadInput(f"--chain: {exc}") from None


INIT_TEMPLATE = """\
# nets scenario: {name} (Nanda Town's schema: `nets run` and `nest run` both read it)
name: {name}
description: "TODO: describe your scenario"

tier: 1
seed: 42

agents:
  count: 20
  brain: state-machine
  roles:
    - name: buyer
      count: 10
    - name: seller
      count: 10

layers:
{layers}
task:
  type: marketplace
  config:
    rounds: 5

duration: "ticks: 5000"

metrics:
  - deal_rate
  - success_rate
  - mean_latency
  - message_count

output:
  trace: ./traces/{name}.jsonl
"""


@click.command("init")
@click.argument("name", default="my-scenario")
@click.option(
    "-d",
    "--dir",
    "directory",
    default="scenarios",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory to create NAME.yaml in.",
)
@json_option
def init_cmd(name: str, directory: str, as_json: bool) -> None:
    """Scaffold a scenario file NAME.yaml (a marketplace with every layer named)."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name) or name.startswith("."):
        raise BadInput(f"scenario name {name!r}: use letters, digits, '_', '-', '.' (at most 100)")
    target = Path(directory) / f"{name}.yaml"
    if target.exists():
        raise BadInput(f"{target} already exists")
    layers = "".join(f"  {layer}: {default}\n" for layer, default in _layer_defaults().items())
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as fh:
            fh.write(INIT_TEMPLATE.format(name=name, layers=layers))
    except OSError as exc:
        raise BadInput(f"cannot write {target}: {exc.strerror or exc}") from None
    if as_json:
        print_json({"created": str(target)})
        return
    common.console.print(
        f"created {escape(str(target))}: run it with `nets run {escape(str(target))}`"
    )


def _layer_defaults() -> dict[str, str]:
    return {layer: str(info.default) for layer, info in scenario.LayersSpec.model_fields.items()}


@click.group("scenarios")
def scenarios_group() -> None:
    """Built-in scenarios shipped with the node."""


@scenarios_group.command("list")
@json_option
def scenarios_list(as_json: bool) -> None:
    """List the built-in scenarios."""
    items = []
    for name, path in scenario.builtin_scenarios().items():
        data = scenario.read_yaml(path)
        items.append(
            {
                "name": name,
                "task": str(data.get("task", {}).get("type", "")),
                "agents": data.get("agents", {}).get("count"),
                "description": str(data.get("description", "")),
            }
        )
    if as_json:
        print_json(items)
        return
    table = titled_table("built-in scenarios")
    for column in ("name", "task", "agents", "description"):
        table.add_column(column)
    for item in items:
        table.add_row(item["name"], item["task"], str(item["agents"]), item["description"])
    common.console.print(table)


def _builtin(name: str) -> Path:
    path = scenario.builtin_scenarios().get(name)
    if path is None:
        names = ", ".join(scenario.builtin_scenarios())
        raise BadInput(f"no built-in scenario {name!r} (built-in: {names})")
    return path


@scenarios_group.command("show")
@click.argument("name")
@json_option
def scenarios_show(name: str, as_json: bool) -> None:
    """Print a built-in scenario's YAML."""
    text = _builtin(name).read_text()
    if as_json:
        print_json({"name": name, "yaml": text})
    else:
        click.echo(text, nl=False)


@scenarios_group.command("cp")
@click.argument("name")
@click.argument("directory", type=click.Path(file_okay=False))
@json_option
def scenarios_cp(name: str, directory: str, as_json: bool) -> None:
    """Copy a built-in scenario into DIRECTORY to edit it."""
    if not directory.strip():
        raise BadInput("DIRECTORY: empty path")  # Path("") would be the working directory
    src = _builtin(name)
    dest_dir = Path(directory)
    dest = dest_dir / src.name
    if dest.exists():
        raise BadInput(f"{dest} already exists")
    import shutil

    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    except OSError as exc:
        raise BadInput(f"cannot copy to {dest}: {exc.strerror or exc}") from None
    if as_json:
        print_json({"name": name, "copied": str(dest)})
    else:
        click.echo(str(dest))


@click.command("inspect")
@click.argument("trace", type=click.Path(dir_okay=False))
@click.option("--top", default=10, show_default=True, help="Agents to list (people output).")
@json_option
def inspect_cmd(trace: str, top: int, as_json: bool) -> None:
    """Summarize a simulator trace: events by kind, per agent, drops, latency, root check."""
    path = Path(trace)
    if not path.is_file():
        raise BadInput(f"no trace file {trace}")
    from node.sim.tracestats import TraceFormatError, summarize

    try:
        summary = summarize(path)
    except TraceFormatError as exc:
        raise BadInput(f"{trace}: {exc}") from None
    except OSError as exc:
        raise BadInput(f"cannot read {trace}: {exc.strerror or exc}") from None
    if as_json:
        print_json(summary)
        return
    run = summary.run
    name, seed, task, agents_count = (escape(str(run.get(k, "?"))) for k in RUN_FIELDS)
    common.console.print(
        f"[bold]{name}[/] seed {seed}, task {task}, {agents_count} agents, {summary.lines} lines"
    )
    kinds = titled_table("events by kind")
    kinds.add_column("kind")
    kinds.add_column("count", justify="right")
    for kind, count in sorted(summary.kinds.items(), key=lambda kv: -kv[1]):
        kinds.add_row(escape(kind), str(count))
    common.console.print(kinds)
    lat = summary.latency
    common.console.print(
        f"latency (ticks): n={lat.count} mean={_fmt(lat.mean)} p50={_fmt(lat.p50)} "
        f"p99={_fmt(lat.p99)} max={_fmt(lat.max)}"
    )
    drops = ", ".join(f"{k} {v}" for k, v in sorted(summary.drops.items())) or "none"
    common.console.print(f"drops: {escape(drops)}")
    if summary.layers:
        common.console.print(
            "layer events: "
            + escape(", ".join(f"{k} {v}" for k, v in sorted(summary.layers.items())))
        )
    busiest = sorted(summary.agents.items(), key=lambda kv: (-kv[1], kv[0]))[: max(top, 0)]
    agents = titled_table(f"busiest agents (of {len(summary.agents)})")
    agents.add_column("agent")
    agents.add_column("lines", justify="right")
    for name, count in busiest:
        agents.add_row(escape(name), str(count))
    common.console.print(agents)
    common.console.print(f"root   {summary.root}")
    if summary.root_ok is None:
        common.console.print("stored root: none beside the trace")
    elif summary.root_ok:
        common.console.print("stored root: matches")
    else:
        common.console.print(f"[red]stored root: MISMATCH ({escape(str(summary.stored_root))})[/]")


@click.group("plugins")
def plugins_group() -> None:
    """Layer plugins found through the nets.plugins.<layer> entry points."""


@plugins_group.command("list")
@json_option
def plugins_list(as_json: bool) -> None:
    """List the installed plugins of every layer."""
    from node.sim.entry import all_plugins

    plugins = all_plugins()
    if as_json:
        print_json(plugins)
        return
    table = titled_table("layer plugins")
    for column in ("layer", "plugin", "provider", "distribution"):
        table.add_column(column, overflow="fold")  # a provider path wraps, never loses its end
    for info in plugins:
        table.add_row(info.layer, info.name, info.target, info.distribution)
    common.console.print(table)
