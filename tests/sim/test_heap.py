"""`nets run` keeps the heap its trace flushes free (glibc): the next flush does not fault the
same pages in again. Page faults are counted (getrusage), not timed."""

from __future__ import annotations

import platform

import pytest

from tests.fresh import run_python

PROBE = """
import resource, sys
from node.cli.sim import keep_freed_heap
if sys.argv[1] == "kept":
    assert keep_freed_heap()
lines = ["x" * 100] * 8192  # one flush of 8,192 trace lines


def faults_of_ten_flushes():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        text = "\\n".join(lines)
        blob = text.encode()
        del text, blob
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


faults_of_ten_flushes()  # the first flushes grow the heap either way
print(faults_of_ten_flushes())
"""


def _faults(mode: str) -> int:
    done = run_python(PROBE, mode, timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_flushes_reuse_the_kept_heap() -> None:
    default, kept = _faults("default"), _faults("kept")
    assert default >= 1000  # 10 x ~2 MB handed back and faulted in again
    assert kept * 10 < default
