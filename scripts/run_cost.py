"""Where a `nets run`'s CPU time goes: interpreter, imports, scenario loading, simulation, trace.

Each row is a child process measured with wait4 (user + system CPU; the least of --repeat runs,
so other load on the machine inflates it least). The rows subtract into the cost of each part:
start-up (Python alone, the root command group, the libraries a run is built on, then
importing the run command), and a run of FILE without a trace and with one (summary to a pipe,
as `make compat` runs it); then one run split into the same parts in process. Usage:
    .venv/bin/python scripts/run_cost.py FILE [--repeat 5] [--set KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PYTHON = sys.executable
NETS = str(Path(sys.executable).with_name("nets"))
FIRST_MODEL = (
    "from pydantic import BaseModel, Field\n"
    "class _Probe(BaseModel):\n    n: int = Field(default=0, ge=0)\n"
)
"""pydantic's first model: it imports pydantic's field and type machinery (annotated_types,
pydantic.types) and looks its plugins up through importlib.metadata (email, zipfile, csv),
whoever defines the model. Counted with the libraries, not with nets' scenario models."""
LIBRARIES = "import click, node.cli, yaml\n" + FIRST_MODEL
"""What any `nets run` imports before nets' own scenario and simulator modules."""
PARTS = (
    r"""
import json, sys, time
from pathlib import Path
clock = time.process_time
t0 = clock()
import click, node.cli
t1 = clock()
import yaml
"""
    + FIRST_MODEL
    + r"""
t2 = clock()
import node.cli.sim
from node.sim import engine, scenario
t3 = clock()
resolved = scenario.load(sys.argv[1], overrides=sys.argv[3:])
t4 = clock()
engine.run(resolved, Path(sys.argv[2]), keep_trace=True, hash_worker=False)
t5 = clock()
print(json.dumps([t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]))
"""
)
"""One run in one process, its CPU time read between the steps (process_time)."""
PART_NAMES = (
    "interpreter start (to the first line)",
    "click and the root group",
    "yaml, pydantic (with its first model)",
    "nets' run modules (scenario models, engine, layers, trace)",
    "load FILE (its task, 12 plugins, validation)",
    "simulate and write the trace",
)


def cpu(cmd: list[str], repeat: int) -> float:
    """The least user + system CPU seconds of ``repeat`` runs of ``cmd``."""
    best = float("inf")
    for _ in range(repeat):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}")
        best = min(best, usage.ru_utime + usage.ru_stime)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--set", dest="sets", action="append", default=[])
    args = ap.parse_args()
    sets = [x for s in args.sets for x in ("--set", s)]
    with tempfile.TemporaryDirectory() as tmp:
        trace = str(Path(tmp) / "t.jsonl")
        rows = [
            ("python -c pass", [PYTHON, "-c", "pass"]),
            ("nets --help (click, the root group)", [NETS, "--help"]),
            ("+ yaml, pydantic and its first model", [PYTHON, "-c", LIBRARIES]),
            ("import the run command", [PYTHON, "-c", "import node.cli.sim"]),
            ("nets run --no-trace", [NETS, "run", args.file, "--no-trace", *sets]),
            (
                "nets run (trace)",
                [NETS, "run", args.file, "-o", trace, "--no-hash-worker", *sets],
            ),
        ]
        print(f"{args.file}, least CPU of {args.repeat} runs\n")
        print("| step | CPU s | this part |\n|---|---:|---:|")
        last = 0.0
        for label, cmd in rows:
            seconds = cpu(cmd, args.repeat)
            print(f"| {label} | {seconds:.3f} | {seconds - last:+.3f} |")
            last = seconds
        print(f"\nthe same run split in process (least of {args.repeat} for each part)\n")
        print("| part | CPU s |\n|---|---:|")
        split = parts(args.file, trace, args.sets, args.repeat)
        for name, seconds in zip(PART_NAMES, split, strict=True):
            print(f"| {name} | {seconds:.3f} |")


def parts(file: str, trace: str, sets: list[str], repeat: int) -> list[float]:
    """The least CPU seconds of each of PART_NAMES over ``repeat`` runs."""
    best = [float("inf")] * len(PART_NAMES)
    for _ in range(repeat):
        done = subprocess.run(
            [PYTHON, "-c", PARTS, file, trace, *sets], capture_output=True, text=True, check=True
        )
        best = [min(b, x) for b, x in zip(best, json.loads(done.stdout), strict=True)]
    return best


if __name__ == "__main__":
    main()
