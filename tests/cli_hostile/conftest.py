"""Running `nets` on hostile input in a scratch working directory, and the outcome's shape."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main

REPO = Path(__file__).resolve().parents[2]
GREEDY = str(REPO / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
NETS = str(Path(sys.executable).parent / "nets")


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    def refused(self, reason: str) -> None:
        """Exit 2, one line on stderr naming ``reason``, no traceback."""
        lines = self.stderr.strip().splitlines()
        assert self.code == 2, (self.code, self.stderr, self.stdout)
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("error: "), self.stderr
        assert reason in lines[0], self.stderr


Nets = Callable[..., Outcome]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch working directory (so a stray ./nets.db or trace would show up here)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NETS_DB", raising=False)
    monkeypatch.delenv("NETS_CHAIN", raising=False)
    monkeypatch.setenv("NETS_HOME", str(tmp_path / ".nets"))
    return tmp_path


@pytest.fixture
def nets(workdir: Path) -> Nets:
    """`nets ARGS...` in-process; exceptions surface as they would in the shell."""

    def run(*args: str) -> Outcome:
        result = CliRunner().invoke(main, list(args), prog_name="nets")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return run


def nets_process(cwd: Path, *args: str, before: Callable[[], None] | None = None) -> Outcome:
    """`nets ARGS...` as its own process (fresh interpreter state; ``before`` runs in the child
    before exec, e.g. to set a resource limit)."""
    result = subprocess.run(
        [NETS, *args], cwd=cwd, preexec_fn=before, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    return Outcome(result.returncode, result.stdout, result.stderr)
