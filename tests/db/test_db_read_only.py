"""A database on a read-only file system (or a read-only file): every node command exits 2
with one line naming the file and the fault, and the database is left as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.forked import run_nets


def nets(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`nets ARGS` as a process of its own, forked from this one (tests/forked.py)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NETS_CHAIN", "NETS_DB")}
    return run_nets(
        *args, cwd=workdir, env={**env, "NETS_HOME": str(workdir / ".nets")}, timeout=120
    )


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(a folder, its database made read-only after a league was created in it): a small tmpfs
    remounted read-only when we are root (root writes through file modes), else file modes."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = False
    if os.geteuid() == 0:
        if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)],
            capture_output=True, check=False,
        ).returncode:  # fmt: skip
            pytest.skip("root without mount: no way to make a file read-only")
        mounted = True
    url = f"sqlite:///{folder / 'node.db'}"
    created = nets(tmp_path, "league", "create", "demo", "--chain", "memory:db", "--db", url)
    assert created.returncode == 0, created.stderr
    try:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            for path in folder.iterdir():
                path.chmod(0o444)
            folder.chmod(0o555)
        yield tmp_path, folder
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)
        else:
            folder.chmod(0o755)


@pytest.mark.parametrize(
    "args",
    [
        ["league", "open-round", "1", "--chain", "memory:db"],
        ["league", "create", "demo", "--chain", "memory"],
        ["agent", "status", "1", "--chain", "memory:db"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_read_only_database_is_one_line_naming_it(
    read_only_folder: tuple[Path, Path], args: list[str]
) -> None:
    workdir, folder = read_only_folder
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = nets(workdir, *args, "--db", f"sqlite:///{folder / 'node.db'}")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(folder / "node.db") in lines[0]
    assert "read-only" in lines[0]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
