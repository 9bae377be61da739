"""The example in docs/TESTING.md, copied into a fresh directory outside the repository and run
by a separate pytest against the installed package: the plugin is found through its entry
point alone (no conftest, no ini, no path into the repository) and the example passes on both
adapters. Also what a user sees for a bad --nets-chain and for a missing anvil."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.toolchain import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "TESTING.md"
MARKER = "<!-- example: test_my_agent.py -->"


def example_source() -> str:
    """The fenced python block right after MARKER in docs/TESTING.md."""
    text = DOC.read_text()
    found = re.search(re.escape(MARKER) + r"\s*```python\n(.*?)\n```", text, re.DOTALL)
    assert found, f"{DOC}: no python block after {MARKER}"
    return found.group(1) + "\n"


def run_pytest(directory: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """pytest of this environment in ``directory``, with none of this run's pytest or nets
    settings (and no PYTHONPATH) leaking in."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "NETS_")) and k not in ("PYTHONPATH", "ANVIL_BINARY")
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", *args]
    return subprocess.run(
        command,
        cwd=directory,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "my_project"
    directory.mkdir()
    assert PROJECT_ROOT not in directory.resolve().parents
    (directory / "test_my_agent.py").write_text(example_source())
    return directory


@pytest.mark.slow
@pytest.mark.anvil
def test_the_example_passes_on_both_adapters(user_dir: Path) -> None:
    result = run_pytest(user_dir, "-v", "--nets-chain", "memory,anvil")
    out = result.stdout
    assert result.returncode == 0, out[-3000:] + result.stderr[-2000:]
    assert f"rootdir: {user_dir}" in out
    for name in ("my_claim_survives_a_challenge", "an_inflated_claim_is_slashed"):
        for kind in ("memory", "anvil"):
            assert re.search(rf"test_{name}\[{kind}\] PASSED", out), out[-3000:]
    assert re.search(r"\b6 passed\b", out), out[-3000:]


def test_memory_is_the_default(user_dir: Path) -> None:
    result = run_pytest(user_dir, "-q", "-k", "time_moves")
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\b1 passed\b", result.stdout)


def test_an_unknown_adapter_is_a_usage_error(user_dir: Path) -> None:
    result = run_pytest(user_dir, "--nets-chain", "memory,geth")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--nets-chain: unknown adapter 'geth' (allowed: memory, anvil)" in result.stderr
    result = run_pytest(user_dir, "--nets-chain", ",")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--nets-chain: no adapter given (allowed: memory, anvil)" in result.stderr


def test_a_missing_anvil_is_a_skip_with_the_reason(user_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-anvil"
    result = run_pytest(
        user_dir, "-k", "time_moves", "--nets-chain", "memory,anvil", ANVIL_BINARY=str(missing)
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert re.search(r"\b1 passed, 1 skipped\b", result.stdout), result.stdout[-3000:]
    reason = f"nets_chain[anvil]: ANVIL_BINARY={missing} is not an executable file"
    assert reason in result.stdout
