"""`python -c CODE` in a fresh interpreter, for tests about what only a new process shows.

Most tests that need another process fork it (tests/forked.py): it starts with the test
process's imports done. A forked child cannot show what a new interpreter does on its own:
which modules a command imports (lazy imports), whether an import moves the recursion limit,
whether output is byte-identical under another PYTHONHASHSEED (fixed at start-up), or what a
process under a resource limit or killed by -9 leaves behind with nothing inherited.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_python(
    code: str,
    *args: str,
    cwd: str | Path = ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -c CODE ARGS...` run to its end in ``cwd`` with ``env`` (else this process's),
    its stdout and stderr captured as text; the caller checks the return code."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def start_python(
    code: str, *args: str, cwd: str | Path = ROOT, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """`python -c CODE ARGS...` started, its stdout a text pipe to read while it runs (stderr
    stays this process's); the caller waits for or kills it."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, text=True
    )
