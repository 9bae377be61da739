"""`nets dashboard` refusals: one line, exit 2, before anything is served."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main
from node.cli.dashboard import is_loopback
from node.dashboard.server import free_port


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


def test_demo_dashboard_serves_the_round_with_its_chain(tmp_path: Path) -> None:
    """`nets demo --dashboard PORT` plays the round, then serves it while its memory chain is
    alive: the dispute page has the chain's timeline and the league page the stakes."""
    import subprocess
    import sys
    import time

    import httpx

    port = free_port()
    nets_bin = str(Path(sys.executable).with_name("nets"))
    demo = subprocess.Popen(
        [nets_bin, "demo", "--output", str(tmp_path / "demo"), "--dashboard", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert demo.poll() is None, "nets demo --dashboard exited"
            try:
                dispute = httpx.get(f"http://127.0.0.1:{port}/disputes/1", timeout=10)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the dashboard never answered"
                time.sleep(0.2)
        assert dispute.status_code == 200
        assert "Timeline (chain events)" in dispute.text
        assert "<td>MidpointAnswered</td>" in dispute.text
        league = httpx.get(f"http://127.0.0.1:{port}/leagues/1", timeout=10).text
        assert "Stakes and balances" in league
        sims = httpx.get(f"http://127.0.0.1:{port}/sims", timeout=10).text
        assert "round-1/agent-4-match-0-claimed.jsonl" in sims  # --traces is the demo's --out
    finally:
        demo.terminate()
        demo.wait(timeout=20)


def test_json_says_where_it_serves(tmp_path: Path) -> None:
    """With --json the first line is the address as JSON, and the page is there."""
    import json
    import subprocess
    import sys
    import time

    import httpx

    from node.db import open_database

    open_database(f"sqlite:///{tmp_path / 'nets.db'}").close()
    port = free_port()
    nets_bin = str(Path(sys.executable).with_name("nets"))
    args = ["dashboard", "--db", f"sqlite:///{tmp_path / 'nets.db'}", "--port", str(port), "--json"]
    server = subprocess.Popen(
        [nets_bin, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert server.stdout is not None
        shown = json.loads(server.stdout.readline())
        assert shown == {"url": f"http://127.0.0.1:{port}/", "host": "127.0.0.1", "port": port}
        for _ in range(600):
            try:
                page = httpx.get(shown["url"], timeout=10)
                break
            except httpx.TransportError:
                assert server.poll() is None, "nets dashboard exited"
                time.sleep(0.1)
        else:
            raise AssertionError("the dashboard never answered")
        assert page.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
