"""An output that cannot be written to the end (here: the file size limit, RLIMIT_FSIZE, hits
mid-write) exits 2 naming it and leaves no half-written file behind (nor an older root)."""

from __future__ import annotations

import resource
from pathlib import Path

from tests.cli_hostile.conftest import GREEDY, Nets, Outcome, nets_process


def nets_limited(cwd: Path, limit: int, *args: str) -> Outcome:
    def cap_file_size() -> None:  # Python ignores SIGXFSZ: the write fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return nets_process(cwd, *args, before=cap_file_size)


def test_run_trace_cut_short(workdir: Path) -> None:
    (workdir / "t.jsonl.root").write_text("0x" + "00" * 32 + "\n")  # from an older run
    result = nets_limited(workdir, 100_000, "run", "marketplace_1k", "-o", "t.jsonl")
    result.refused("cannot write trace t.jsonl: File too large")
    assert not (workdir / "t.jsonl").exists()
    assert not (workdir / "t.jsonl.root").exists()


def test_match_trace_cut_short(workdir: Path) -> None:
    result = nets_limited(
        workdir,
        20_000,
        "match",
        "trace",
        "--system",
        "snake",
        "--agent",
        GREEDY,
        "--output",
        "m.jsonl",
    )
    result.refused("--output: cannot write m.jsonl: File too large")
    assert not (workdir / "m.jsonl").exists()


def test_report_cut_short(nets: Nets, workdir: Path) -> None:
    assert nets("run", "pingpong", "--set", "task.config.rounds=1", "-o", "t.jsonl").code == 0
    result = nets_limited(workdir, 4_000, "report", "t.jsonl", "-o", "r.html")
    result.refused("cannot write r.html: File too large")
    assert not (workdir / "r.html").exists()
