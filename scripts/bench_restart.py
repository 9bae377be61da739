"""Start-to-first-action of a restarted submitter (docs/benchmarks/reliability.md).

    python scripts/bench_restart.py [--chain memory|anvil ...] [--repeat N] [--json]

For each chain (memory:FILE, and `nets chain up` anvil with a block a second) on a fresh
workdir: the devnet league (scripts/devnet.py, 40 s submission window) is created; the greedy
owner's follow-mode submitter (`nets submit --register ... --interval 0.5`, devnet's command)
registers and stakes, and is killed with SIGKILL; a round opens, and once its seed block is
mined the same command starts again. Measured from the spawn of the restarted process to
its start notice (the interpreter, imports, the database and the chain opened), to its first
action (fixing the seed) and to its claim (the round's 3 matches played, the claim sent).
The target is a claim within 5 s on an idle machine; the 1-minute load average is printed
with every run since the machine is shared.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import devnet  # the sibling script: its league, commands and chain views

TIMEOUT = 180.0


def restart_once(kind: str) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="nets-restart-"))
    env = {k: v for k, v in os.environ.items() if k not in ("NETS_CHAIN", "NETS_DB")}
    env["NETS_HOME"] = os.environ["NETS_HOME"] = str(workdir / ".nets")
    if kind == "anvil":
        spec = devnet.nets(env, workdir, "chain", "up", "--block-time", "1")["url"]
    else:
        spec = f"memory:{workdir / 'chain.json'}"
    try:
        op = ["--chain", spec, "--db", devnet.database("operator", spec, workdir)]
        league = int(devnet.nets(env, workdir, "league", "create", devnet.LEAGUE, *op)["leagueId"])
        command = devnet.role_command("greedy", spec, workdir)
        chain = devnet.Chain(spec, workdir)
        first = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            deadline = time.monotonic() + TIMEOUT
            while chain.adapter().counts()[0] < 1 or chain.adapter().agent(1).stake == 0:
                if time.monotonic() > deadline or first.poll() is not None:
                    raise RuntimeError("the first submitter did not register and stake")
                time.sleep(0.2)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        round_id = int(
            devnet.nets(env, workdir, "league", "open-round", str(league), *op)["roundId"]
        )
        while chain.adapter().block_number() <= chain.adapter().round(round_id).seed_block:
            time.sleep(0.2)
        load = os.getloadavg()[0]
        return {"chain": kind, "load": round(load, 2), **_time_restart(command, workdir, env)}
    finally:
        if kind == "anvil":
            with contextlib.suppress(RuntimeError):
                devnet.nets(env, workdir, "chain", "down")


def _time_restart(command: list[str], workdir: Path, env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawn to the start notice, the first action and the claim."""
    marks: dict[str, float] = {}
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    assert process.stdout is not None
    try:
        for line in process.stdout:
            now = round(time.monotonic() - started, 2)
            if "stepping every" in line:
                marks.setdefault("started", now)
            elif "started" in marks and "first_action" not in marks:
                marks["first_action"] = now
            if "submit claim" in line:
                marks["claim"] = now
                break
            if now > TIMEOUT:
                break
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    if "claim" not in marks:
        raise RuntimeError(f"the restarted submitter did not claim: {marks}")
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chain", action="append", choices=["memory", "anvil"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    runs = [restart_once(kind) for kind in args.chain or ["memory", "anvil"]
            for _ in range(args.repeat)]  # fmt: skip
    if args.json:
        print(json.dumps(runs))
        return 0
    print("| chain | load | started s | first action s | claim s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for run in runs:
        print(f"| {run['chain']} | {run['load']} | {run['started']} | {run['first_action']} | "
              f"{run['claim']} |")  # fmt: skip
    for kind in sorted({run["chain"] for run in runs}):
        claims = [run["claim"] for run in runs if run["chain"] == kind]
        print(f"{kind}: median claim {statistics.median(claims):.2f} s over {len(claims)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
