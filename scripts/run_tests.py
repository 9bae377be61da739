"""`make test` and `make pytest`: the suite's steps, with the live rounds overlapping the rest.

The tests marked ``live`` (whole league rounds on a devnet, kill -9s, a chain killed and
restarted) spend their minutes waiting for on-chain windows to pass, not computing. Run one
after another they were two thirds of the suite's time. Here they start first, in a pytest
session of their own with one worker per test, and wait in the background while the other
steps use the CPU. Pyright, which uses one core for a minute or more, runs in the background
too; ruff and forge (the Makefile targets of those names), then pytest over everything else
on every core, run meanwhile. Forge is not put in the background: its worker threads spin
while they wait, and beside the pytest workers its test run took 97 CPU-s instead of 43 with
no gain in wall time (docs/benchmarks/suite.md). The background steps' output is printed when
they finish, and the run fails if any step failed, naming the steps.

    python scripts/run_tests.py [--steps lint,typecheck,forge,pytest] [-- PYTEST_ARGS...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEPS = ("lint", "typecheck", "forge", "pytest")
BACKGROUND = ("typecheck",)
"""Steps started at once beside the others (single-threaded, so the other core has room)."""
LIVE_WORKERS = 6
"""One xdist worker per live test (tests marked ``live``): each mostly sleeps on a window."""
LIVE_DIRS = ("tests/e2e", "tests/reliability")
"""Where the live tests are: each worker collects only these (collecting the whole suite
costs every worker ~10 CPU-s)."""


@dataclass
class Step:
    name: str
    code: int
    seconds: float


def make(target: str) -> Step:
    started = time.monotonic()
    code = subprocess.call(["make", "--no-print-directory", target], cwd=REPO)
    return Step(target, code, time.monotonic() - started)


@dataclass
class Background:
    """A step running beside the others, its output in ``log``; ``step()`` waits for it."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def __post_init__(self) -> None:
        threading.Thread(target=self._wait, daemon=True).start()

    def _wait(self) -> None:
        self.process.wait()
        self.finished = time.monotonic()

    def step(self) -> Step:
        if self.process.poll() is None:
            print(f"waiting for {self.name} ...", flush=True)
        code = self.process.wait()
        sys.stdout.write(self.log.read_text(errors="replace"))
        ended = self.finished if self.finished is not None else time.monotonic()
        return Step(self.name, code, ended - self.started)


def start_make(target: str) -> Background:
    log = REPO / "out" / f"{target}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["make", "--no-print-directory", target], cwd=REPO, stdout=sink,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    return Background(target, process, log)


def pytest_command(*args: str) -> list[str]:
    return [
        sys.executable,
        str(REPO / "scripts" / "run_pytest.py"),
        "-p",
        "no:cacheprovider",
        *args,
    ]


def compile_contracts() -> Step:
    """The contract tree's one compile (adapters/build.py caches it on disk), done before the
    live rounds start: under load it can take minutes, which must not count against a live
    test's own time bounds."""
    started = time.monotonic()
    code = subprocess.call(
        [sys.executable, "-c", "from adapters.build import compile_contracts, tree_sources; "
         "compile_contracts(tree_sources())"],
        cwd=REPO,
    )  # fmt: skip
    return Step("compile", code, time.monotonic() - started)


def start_live(log: Path) -> Background:
    """The live session, in the background; its output goes to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    command = pytest_command(*LIVE_DIRS, "-m", "live", "-n", str(LIVE_WORKERS), "--dist", "load")
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=REPO, stdout=sink, stderr=subprocess.STDOUT)
    return Background("pytest (live)", process, log)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="The suite: live rounds in the background, the other steps meanwhile."
    )
    parser.add_argument("--steps", default=",".join(STEPS), help="comma-separated, in order")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to the main pytest")
    args = parser.parse_args()
    steps = [s for s in args.steps.split(",") if s]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown step {', '.join(unknown)} (steps: {', '.join(STEPS)})")
    log = REPO / "out" / "pytest-live.log"
    started = time.monotonic()
    done: list[Step] = []
    background: list[Background] = []
    if "pytest" in steps:
        done.append(compile_contracts())
        if done[-1].code == 0:
            background.append(start_live(log))
            print(f"live rounds: {LIVE_WORKERS} workers in the background, output in {log}")
    for name in steps:
        if name in BACKGROUND:
            background.append(start_make(name))
            print(f"{name} in the background, output in {background[-1].log}", flush=True)
    for name in steps:
        if name in BACKGROUND:
            continue
        if name != "pytest":
            done.append(make(name))
            continue
        began = time.monotonic()
        workers = os.environ.get("PYTEST_WORKERS", "auto")
        code = subprocess.call(
            pytest_command(
                "-n", workers, "--dist", "loadscope", "-m", "not live", *args.pytest_args
            ),
            cwd=REPO,
        )
        done.append(Step("pytest", code, time.monotonic() - began))
    done += [task.step() for task in background]
    print()
    for step in done:
        print(
            f"{step.name:<14} {'ok' if step.code == 0 else f'FAILED ({step.code})':<12} {step.seconds:6.0f} s"
        )
    failed = [s.name for s in done if s.code != 0]
    print(
        f"{'total':<14} {'FAILED: ' + ', '.join(failed) if failed else 'ok':<12} {time.monotonic() - started:6.0f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
