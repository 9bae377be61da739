"""`make compat`: Nanda Town's own scenario files through Nanda Town and through nets, side by side.

Installs nest-core 0.1.4 (with its plugins and nest-shell) in a throwaway Python 3.12 venv
outside the repository, lists the scenario files its wheel ships, and runs each one unmodified
with `nest run` and with `nets run`, then the marketplace file scaled to 1,000 and 4,000
agents with Nanda Town's event cap raised (`--ticks`) so both tools make every request. Each
run is a child process measured with wait4 (its own CPU time and peak RSS). Per file: messages
sent, marketplace requests and deals, validator verdicts (each tool's own validators on its
own trace), wall, CPU, peak RSS. It then checks the trace bridge both ways: `nest inspect`
reads a `nets run --trace-format nanda` trace, and `nets inspect/validate` read Nanda's.

Not part of `make test` (it downloads packages and takes minutes). Usage:
    .venv/bin/python scripts/nanda_compat.py [--venv DIR] [--python PY312] [--sizes 1000,4000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

NEST_SPEC = "nest-core[full]==0.1.4"
DEFAULT_PYTHON = Path.home() / ".pyenv/versions/3.12.1/bin/python3.12"
NETS = Path(sys.executable).with_name("nets")
LIST_FILES = (
    "import json; from nest_core.builtin_scenarios import list_builtin, builtin_path; "
    "print(json.dumps({n: str(builtin_path(n)) for n in list_builtin()}))"
)
NANDA_VALIDATE = (
    "import json, sys; from pathlib import Path; "
    "from nest_core.validators import validate_trace; "
    "rs = validate_trace(Path(sys.argv[1]), sys.argv[2]); "
    "print(json.dumps([[r.name, r.passed] for r in rs]))"
)


@dataclass
class Measured:
    wall: float
    cpu: float
    rss_mib: float
    code: int
    stderr: str


@dataclass
class Row:
    file: str
    tool: str
    run: Measured
    sent: int = 0
    requests: int | None = None
    deals: int | None = None
    verdicts: list[tuple[str, bool]] = field(default_factory=lambda: list[tuple[str, bool]]())


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run ``cmd`` as a child and read its own rusage (wait4): CPU = user + system, peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    return Measured(
        wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, err
    )


def ensure_venv(venv: Path, python: Path) -> Path:
    bin_dir = venv / "bin"
    if not (bin_dir / "nest").exists():
        subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "--quiet", NEST_SPEC], check=True, timeout=900
        )
    return bin_dir


def nanda_counts(trace: Path, task: str, py: Path) -> tuple[int, int | None, int | None, Any]:
    sent = requests = deals = 0
    with trace.open() as f:
        for line in f:
            ev = json.loads(line)
            if ev.get("kind") in ("send", "broadcast"):
                sent += 1
                msg = str(ev.get("msg", ""))
                requests += msg.startswith("buy:")
                deals += msg.startswith("sold:")
    out = subprocess.run(
        [str(py), "-c", NANDA_VALIDATE, str(trace), task], capture_output=True, text=True
    )
    verdicts = json.loads(out.stdout) if out.returncode == 0 else []
    market = task == "marketplace"
    return sent, requests if market else None, deals if market else None, verdicts


def nets_counts(trace: Path, task: str) -> tuple[int, int | None, int | None, Any]:
    sent = requests = deals = 0
    with trace.open() as f:
        for line in f:
            ev = json.loads(line)
            kind = ev.get("kind")
            if kind == "end":
                sent = ev["sent"]
            elif kind == "app":
                requests += ev.get("event") == "request"
                deals += ev.get("event") == "buy"
    out = subprocess.run(
        [str(NETS), "validate", str(trace), "--json"], capture_output=True, text=True
    )
    try:
        verdicts = [[v["name"], v["passed"]] for v in json.loads(out.stdout)["verdicts"]]
    except (ValueError, KeyError):
        verdicts = []
    market = task.endswith("marketplace")
    return sent, requests if market else None, deals if market else None, verdicts


def scaled(source: Path, agents: int, out: Path) -> Path:
    """The marketplace file with ``agents`` agents, half buyers, half sellers."""
    data = yaml.safe_load(source.read_text())
    data["agents"]["count"] = agents
    for role in data["agents"]["roles"]:
        role["count"] = agents // 2
    data["name"] = f"marketplace_{agents}"
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


def run_pair(
    label: str, path: Path, task: str, bin_dir: Path, work: Path, extra: list[str]
) -> list[Row]:
    rows: list[Row] = []
    n_trace = work / f"nanda-{label}.jsonl"
    m = measure([str(bin_dir / "nest"), "run", str(path), "-o", str(n_trace), *extra], work)
    row = Row(label, "Nanda Town", m)
    if m.code == 0:
        row.sent, row.requests, row.deals, v = nanda_counts(n_trace, task, bin_dir / "python")
        row.verdicts = [tuple(x) for x in v]
    rows.append(row)
    t_trace = work / f"nets-{label}.jsonl"
    m = measure([str(NETS), "run", str(path), "-o", str(t_trace), "--no-hash-worker", *extra], work)
    row = Row(label, "nets", m)
    if m.code == 0:
        row.sent, row.requests, row.deals, v = nets_counts(t_trace, task)
        row.verdicts = [tuple(x) for x in v]
    rows.append(row)
    return rows


def fmt(v: int | None) -> str:
    return "-" if v is None else f"{v:,}"


def verdict_text(row: Row) -> str:
    if row.run.code != 0:
        return f"exit {row.run.code}: {row.run.stderr.strip().splitlines()[-1][:60]}"
    passed = sum(1 for _, ok in row.verdicts if ok)
    failed = [name for name, ok in row.verdicts if not ok]
    return f"{passed}/{len(row.verdicts)} pass" + (
        f" (fail: {', '.join(failed)})" if failed else ""
    )


def table(rows: list[Row]) -> str:
    head = (
        "| file | tool | messages sent | requests | deals | validators | wall s | CPU s | "
        "peak RSS MiB |\n|---|---|---:|---:|---:|---|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"| {r.file} | {r.tool} | {fmt(r.sent)} | {fmt(r.requests)} | {fmt(r.deals)} | "
            f"{verdict_text(r)} | {r.run.wall:.2f} | {r.run.cpu:.2f} | {r.run.rss_mib:.0f} |"
        )
    return "\n".join(lines)


def ratios(rows: list[Row]) -> str:
    out = ["| file | CPU Nanda/nets | wall Nanda/nets | RSS nets/Nanda |", "|---|---:|---:|---:|"]
    for nanda, ours in zip(rows[::2], rows[1::2], strict=True):
        if nanda.run.code or ours.run.code:
            continue
        out.append(
            f"| {nanda.file} | {nanda.run.cpu / ours.run.cpu:.1f}x | "
            f"{nanda.run.wall / ours.run.wall:.1f}x | {ours.run.rss_mib / nanda.run.rss_mib:.2f} |"
        )
    return "\n".join(out)


def bridge(bin_dir: Path, work: Path, files: dict[str, str]) -> list[str]:
    """Traces both ways: `nest inspect` reads a nets trace in Nanda's format; `nets inspect` and
    `nets validate` read Nanda's own trace."""
    notes: list[str] = []
    ours = work / "bridge-nets.jsonl"
    r = subprocess.run(
        [str(NETS), "run", files["auction"], "-o", str(ours), "--trace-format", "nanda"],
        capture_output=True,
        text=True,
    )
    if r.returncode:
        return [f"nets run --trace-format nanda: exit {r.returncode}: {r.stderr.strip()}"]
    r = subprocess.run(
        [str(bin_dir / "nest"), "inspect", str(ours)], capture_output=True, text=True
    )
    notes.append(f"nest inspect (nets trace, nanda format): exit {r.returncode}")
    notes += ["    " + line for line in r.stdout.splitlines()[:6]]
    r = subprocess.run(
        [str(bin_dir / "python"), "-c", NANDA_VALIDATE, str(ours), "auction"],
        capture_output=True,
        text=True,
    )
    notes.append(f"Nanda validators on the nets trace: {r.stdout.strip() or r.stderr.strip()}")
    market = work / "nanda-marketplace.jsonl"
    names = "deal_rate,rejection_rate,mean_rounds_to_deal,message_count,unique_pairs"
    mine = subprocess.run(
        [str(NETS), "report", str(market), "-o", str(work / "r.html"), "-m", names],
        capture_output=True,
        text=True,
    ).stdout
    theirs_m = subprocess.run(
        [str(bin_dir / "nest"), "report", str(market), "-m", names], capture_output=True, text=True
    ).stdout
    pick = [
        line.split()[:2]
        for line in (mine + theirs_m).splitlines()
        if line.split()[:1] and line.split()[0] in names.split(",")
    ]
    notes.append(f"report -m on Nanda's marketplace trace (nets, then nest): {pick}")
    theirs = work / "nanda-auction.jsonl"
    for cmd in (
        ["inspect", str(theirs), "--json"],
        ["validate", str(theirs), "--scenario", "auction"],
    ):
        r = subprocess.run([str(NETS), *cmd], capture_output=True, text=True)
        notes.append(f"nets {cmd[0]} (Nanda trace): exit {r.returncode}")
    for task in ("supply_chain", "reputation"):
        # nets validate on Nanda Town's own trace, and on the Nanda form of nets' own run
        mine_n = work / f"bridge-{task}.jsonl"
        subprocess.run(
            [str(NETS), "run", files[task], "-o", str(mine_n), "--trace-format", "nanda"],
            capture_output=True,
        )
        for label, path in (
            ("Nanda's", work / f"nanda-{task}.jsonl"),
            ("nets' nanda-form", mine_n),
        ):
            _, _, _, verdicts = nets_counts(path, task)
            notes.append(f"nets validate on {label} {task} trace: {verdicts}")
    return notes


def interpreter(python: Path) -> str:
    """Version and build of ``python``: CPU figures compare like with like only on like builds
    (a distribution's CPython is built with PGO and LTO, pyenv's by default is not)."""
    probe = (
        "import sys, sysconfig; print(sys.version.split()[0], sysconfig.get_config_var('prefix'))"
    )
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "nets-nanda-venv")
    ap.add_argument("--python", type=Path, default=DEFAULT_PYTHON)
    ap.add_argument("--sizes", default="1000,4000")
    args = ap.parse_args()
    bin_dir = ensure_venv(args.venv, args.python)
    files: dict[str, str] = json.loads(
        subprocess.run(
            [str(bin_dir / "python"), "-c", LIST_FILES], capture_output=True, text=True, check=True
        ).stdout
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="nanda-compat-") as tmp:
        work = Path(tmp)
        for name, path in files.items():
            task = yaml.safe_load(Path(path).read_text())["task"]["type"]
            rows += run_pair(name, Path(path), task, bin_dir, work, [])
            print(f"ran {name}", file=sys.stderr)
        for size in (int(s) for s in args.sizes.split(",") if s):
            path = scaled(Path(files["marketplace"]), size, work / f"marketplace_{size}.yaml")
            # Nanda's tick cap counts events: raise it so both tools make every request
            rows += run_pair(
                f"marketplace x{size}", path, "marketplace", bin_dir, work, ["--ticks", str(10**9)]
            )
            print(f"ran marketplace x{size}", file=sys.stderr)
        notes = bridge(bin_dir, work, files)
    print(f"nest-core 0.1.4 vs nets, {time.strftime('%Y-%m-%d')}")
    print(f"Nanda Town's interpreter: {interpreter(bin_dir / 'python')}")
    print(f"nets' interpreter: {interpreter(Path(sys.executable))}\n")
    print(table(rows))
    print()
    print(ratios(rows))
    print()
    print("\n".join(notes))


if __name__ == "__main__":
    main()
