"""The nets side of `make compat`'s marketplace rows, N times, without installing Nanda Town.

`make compat` runs each command once; one run on a shared machine measures the neighbours as
much as nets. This runs the same command (`nets run FILE -o TRACE --no-hash-worker --ticks
1000000000`, FILE being Nanda Town's shipped marketplace file scaled as nanda_compat.scaled
scales it) ``--repeat`` times, each a child measured with wait4 (user + system CPU, peak RSS),
and prints the least and the median, with the ratio against a Nanda Town CPU figure
(``--nanda-cpu``, from docs/benchmarks/nanda.md), and the median count of minor page faults
(a count, not a time: what the run asks of the kernel, whatever the load). The file is written here from the shipped
file's fields (no Nanda install needed); with ``--venv`` it is read from an installed
nest-core instead. Every run must give the same trace root, and at the sizes pinned below the
root it gave before the speed work (speed work must not move a byte).

    .venv/bin/python scripts/bench_nanda_cpu.py [--agents 1000] [--repeat 9] [--nanda-cpu 22.51]

``--baseline DIR`` interleaves runs of another checkout (DIR holding its ``node`` and
``adapters`` with their native library built, put first on PYTHONPATH), so a change is
measured against the code before it under the same load, run for run. ``--nanda-repeat K``
also runs Nanda Town's `nest run` on the same file K times, interleaved with the nets runs
(nest-core from ``--venv``, installed there by nanda_compat when missing), so that the ratio
is the median against the median under the same load, not against one figure of a table.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from nanda_compat import DEFAULT_PYTHON, NETS, ensure_venv, interpreter, measure, scaled

MARKETPLACE: dict[str, Any] = {
    "name": "marketplace",
    "description": "50 buyers and 50 sellers trading products with varying prices.",
    "tier": 1,
    "seed": 42,
    "agents": {
        "count": 100,
        "brain": "state-machine",
        "roles": [{"name": "buyer", "count": 50}, {"name": "seller", "count": 50}],
    },
    "layers": {
        "transport": "in_memory",
        "comms": "nest_native",
        "identity": "did_key",
        "registry": "in_memory",
        "auth": "jwt",
        "trust": "score_average",
        "payments": "prepaid_credits",
        "coordination": "contract_net",
        "negotiation": "alternating_offers",
        "memory": "blackboard",
        "privacy": "noop",
        "datafacts": "datafacts_v1",
    },
    "task": {"type": "marketplace", "config": {"catalog_size": 200, "rounds": 10}},
    "failures": {"message_drop": 0.0},
    "duration": "ticks: 10000",
    "metrics": ["success_rate", "mean_latency", "message_count"],
    "output": {"trace": "./traces/marketplace.jsonl"},
}
"""nest-core 0.1.4's shipped marketplace.yaml, field for field (its values, not its file)."""

PINNED_ROOTS = {
    1000: "bf498c53683d557e113834288681ba2f7f43c3a62adccefd305353550bd17274",
}
"""Trace roots of the scaled file before the CPU work of issue 15."""


def source_file(venv: Path | None, out: Path) -> Path:
    """Nanda Town's marketplace file: from an installed nest-core, or written from its fields."""
    if venv is not None:
        found = sorted(venv.glob("lib/python*/site-packages/nest_core/scenarios_builtin/yaml"))
        if not found:
            raise SystemExit(f"no nest-core scenarios under {venv}")
        return found[0] / "marketplace.yaml"
    out.write_text(yaml.safe_dump(MARKETPLACE, sort_keys=False))
    return out


def summary(
    label: str, cpus: list[float], rss: list[float], faults: list[int], nanda_cpu: float
) -> str:
    least, median = min(cpus), statistics.median(cpus)
    return (
        f"| {label} | {least:.3f} | {median:.3f} | {nanda_cpu / least:.1f}x | "
        f"{nanda_cpu / median:.1f}x | {min(rss):.0f} | {statistics.median(faults):,.0f} |"
    )


def children_faults() -> int:
    """Minor page faults of every child waited for so far (measure() waits for each)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--venv", type=Path, default=None, help="read the file from this nest venv")
    ap.add_argument("--nanda-cpu", type=float, default=22.51, help="Nanda Town's CPU-s")
    ap.add_argument("--baseline", type=Path, default=None, help="a checkout to interleave")
    ap.add_argument("--nanda-repeat", type=int, default=0, help="Nanda Town runs to interleave")
    args = ap.parse_args()
    nest: Path | None = None
    if args.nanda_repeat:
        if args.venv is None:
            ap.error("--nanda-repeat needs --venv (nest-core's venv; created when missing)")
        nest = ensure_venv(args.venv, DEFAULT_PYTHON) / "nest"
    tools = {"nets": dict(os.environ)}
    if args.baseline is not None:
        base = str(args.baseline.resolve())
        tools = {"baseline": {**os.environ, "PYTHONPATH": base}, **tools}
    with tempfile.TemporaryDirectory(prefix="nanda-cpu-") as tmp:
        work = Path(tmp)
        source = source_file(args.venv, work / "marketplace.yaml")
        path = scaled(source, args.agents, work / f"marketplace_{args.agents}.yaml")
        trace = work / "nets.jsonl"
        cmd = [str(NETS), "run", str(path), "-o", str(trace), "--no-hash-worker"]
        cmd += ["--ticks", str(10**9)]
        cpus: dict[str, list[float]] = {name: [] for name in tools}
        rss: dict[str, list[float]] = {name: [] for name in tools}
        faults: dict[str, list[int]] = {name: [] for name in tools}
        roots: set[str] = set()
        nanda: list[float] = []
        for i in range(args.repeat):
            if nest is not None and i < args.nanda_repeat:
                ticks = ["--ticks", str(10**9)]  # its cap counts events: every request is made
                m = measure(
                    [str(nest), "run", str(path), "-o", str(work / "nanda.jsonl"), *ticks], work
                )
                if m.code:
                    raise SystemExit(f"nest run exit {m.code}: {m.stderr.strip()[-500:]}")
                nanda.append(m.cpu)
            for name, env in tools.items():
                before = children_faults()
                m = measure(cmd, work, env)
                faults[name].append(children_faults() - before)
                if m.code:
                    raise SystemExit(f"{name}: nets run exit {m.code}: {m.stderr.strip()}")
                cpus[name].append(m.cpu)
                rss[name].append(m.rss_mib)
                roots.add(trace.with_name(trace.name + ".root").read_text().strip()[2:])
    pinned = PINNED_ROOTS.get(args.agents)
    if len(roots) != 1 or (pinned is not None and roots != {pinned}):
        raise SystemExit(f"trace root moved: {sorted(roots)} (pinned {pinned})")
    print(f"marketplace x{args.agents}, {args.repeat} runs of: nets run FILE -o T --no-hash-worker")
    print(f"load average {os.getloadavg()[0]:.1f}; root {roots.pop()[:16]}...\n")
    print(
        f"| code | CPU s, least | CPU s, median | Nanda Town ({args.nanda_cpu} CPU s) / least "
        "| / median | peak RSS MiB | page faults |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for name in tools:
        print(summary(name, cpus[name], rss[name], faults[name], args.nanda_cpu))
    print(f"\nnets' interpreter: {interpreter(Path(sys.executable))}")
    if nest is not None:
        nanda_median = statistics.median(nanda)
        print(f"Nanda Town's interpreter: {interpreter(nest.with_name('python'))}")
        print(f"Nanda Town, {len(nanda)} runs interleaved: least {min(nanda):.2f}, "
              f"median {nanda_median:.2f} CPU s")  # fmt: skip
        for name in tools:
            ours = statistics.median(cpus[name])
            print(f"{name}: median / median {nanda_median / ours:.1f}x, "
                  f"least / least {min(nanda) / min(cpus[name]):.1f}x")  # fmt: skip
    for name in tools:
        print(f"{name} CPU s per run: " + " ".join(f"{c:.3f}" for c in cpus[name]), file=sys.stderr)
    if nanda:
        print("Nanda Town CPU s per run: " + " ".join(f"{c:.2f}" for c in nanda), file=sys.stderr)


if __name__ == "__main__":
    main()
