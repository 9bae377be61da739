"""Start-up CPU of a process, this checkout against another, interleaved run for run.

Each run is a child `python -c CODE` measured with wait4 (user + system CPU), so the figure is
the whole process: interpreter, imports and whatever CODE does. With ``--baseline DIR`` every
run of this checkout is followed by one of DIR's code (run in DIR, which `-c` puts first on
sys.path; the same interpreter and libraries), so both see the same load. Prints the least and
the median of each.

    .venv/bin/python scripts/bench_startup.py [--baseline DIR] [--repeat 15] [CODE]

CODE defaults to ``import node, web3``, the start-up of every process that talks to a chain
(docs/benchmarks/cli.md), so that `make bench`, which runs each script without arguments,
runs this one too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from nanda_compat import measure

REPO = Path(__file__).resolve().parents[1]
CHAIN_PROCESS = "import node, web3"


def cpu_seconds(code: str, checkout: Path) -> float:
    """One child in ``checkout`` (``-c`` puts the working directory first on sys.path)."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    run = measure([sys.executable, "-c", code], checkout, env)
    if run.code != 0:
        raise SystemExit(f"the code failed (exit {run.code}): {run.stderr[-500:]}")
    return run.cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("code", nargs="?", default=CHAIN_PROCESS, help="Python run with -c")
    ap.add_argument("--baseline", type=Path, default=None, help="a checkout to interleave")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    sides = {"this checkout": REPO}
    if args.baseline is not None:
        sides["baseline"] = args.baseline.resolve()
    runs: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.repeat):
        for name, checkout in sides.items():
            runs[name].append(cpu_seconds(args.code, checkout))
    for name, seconds in runs.items():
        print(f"{name}: least {min(seconds):.3f} CPU-s, median {statistics.median(seconds):.3f}")


if __name__ == "__main__":
    main()
