"""`nets dashboard` refusals: one line, exit 2, before anything is served."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main
from node.cli.dashboard import is_loopback


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--host", "0.0.0.0"], "not a loopback address"),
        (["--host", "192.168.1.5"], "--token"),
        (["--host", "example.org"], "not a loopback address"),
        (["--host", "0.0.0.0", "--token", "short"], "at least 16"),
        (["--db", "sqlite:////nonexistent/nets.db"], "no database at"),
        (["--chain", "memory"], "lives only inside"),
        (["--traces", "/nonexistent/traces"], "--traces: no folder"),
        (["--port", "70000"], "70000"),
    ],
)
def test_refused(args: list[str], reason: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["dashboard", *args], env={"NETS_DB": f"sqlite:///{tmp_path}/x.db"}
    )
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()  # the dashboard never creates a database


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("::", False), ("10.0.0.1", False),
     ("localhost.evil.org", False)],
)  # fmt: skip
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_listed_in_help() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "dashboard" in result.output
