"""`nets chain up|status|down` end to end: real processes, a free port, a temp NETS_HOME."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from adapters.chain_process import ChainProcess, is_running
from adapters.keys import anvil_account
from node.cli import main
from tests.adapters.conftest import PROBE_SOURCE

pytestmark = pytest.mark.anvil

NETS = str(Path(sys.executable).parent / "nets")


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    yield home
    nets(home, "chain", "down")  # never leave a devnet behind, whatever the test did


def nets(home: Path, *args: str) -> Result:
    """In-process: the devnet is detached either way (see the subprocess test below)."""
    return CliRunner().invoke(main, list(args), env={"NETS_HOME": str(home)})


def nets_process(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NETS_HOME": str(home)}
    return subprocess.run([NETS, *args], capture_output=True, text=True, env=env, timeout=60)


def test_up_status_down(home: Path, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Probe.sol").write_text(PROBE_SOURCE)
    plan = tmp_path / "plan.json"
    owner = anvil_account(0).address
    plan.write_text(
        json.dumps([{"name": "Registry", "args": ["@Probe"]}, {"name": "Probe", "args": [owner]}])
    )

    up = nets_process(
        home, "chain", "up", "--sources", str(tmp_path / "src"), "--plan", str(plan), "--json"
    )
    assert up.returncode == 0, up.stderr  # the devnet outlives the process that started it
    started = json.loads(up.stdout)
    assert started["deployed_now"] == ["Probe", "Registry"]
    assert started["url"].startswith("http://127.0.0.1:")

    running = nets(home, "chain", "status", "--json")
    assert running.exit_code == 0
    status = json.loads(running.stdout)
    assert status["running"] is True
    assert status["chain_id"] == 31337
    assert status["block"] == 2
    assert status["contracts"] == started["contracts"]
    human = nets(home, "chain", "status").stdout
    assert started["url"] in human
    assert "Registry" in human

    twice = nets(home, "chain", "up")
    assert twice.exit_code == 2
    assert (
        twice.stderr.strip()
        == f"error: a chain is already running at {started['url']} (pid {started['pid']})"
    )

    process = ChainProcess(**json.loads((home / "chain.json").read_text()))
    down = json.loads(nets(home, "chain", "down", "--json").stdout)
    assert down == {"stopped": True, "pid": started["pid"]}
    assert not is_running(process)
    stopped = nets(home, "chain", "status", "--json")
    assert json.loads(stopped.stdout)["running"] is False
    assert stopped.exit_code == 1
    assert nets(home, "chain", "status").exit_code == 1


def test_bad_input_exits_2_with_one_line(home: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = nets(home, "chain", "up", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr == f"error: port {port} is in use\n"
    plan = tmp_path / "plan.json"
    plan.write_text('{"not": "a list"}')
    result = nets(home, "chain", "up", "--plan", str(plan))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    result = nets(home, "chain", "up", "--state", str(tmp_path / "missing" / "state.json"))
    assert result.exit_code == 2
    assert not (home / "chain.json").exists()


def test_failed_deployment_stops_the_chain(home: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('["Nope"]')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Probe.sol").write_text(PROBE_SOURCE)
    result = nets(home, "chain", "up", "--sources", str(tmp_path / "src"), "--plan", str(plan))
    assert result.exit_code == 1
    assert (
        "deployment failed, chain stopped: contract Nope is not in the compiled set"
        in result.stderr
    )
    assert not (home / "chain.json").exists()


@pytest.mark.parametrize(
    "content",
    [
        "garbage",
        '{"pid": "abc"}',
        '{"pid": 1, "port": 8545, "url": "x", "chain_id": 1, "log_path": "", "state_file": null, "started_at": 0}',
        '{"pid": 999999999, "port": 8545, "url": "x", "chain_id": 1, "log_path": "", "state_file": null, "started_at": 0}',
    ],
)
def test_hostile_state_file_never_crashes_or_signals(home: Path, content: str) -> None:
    home.mkdir(parents=True)
    (home / "chain.json").write_text(content)
    status = nets(home, "chain", "status", "--json")
    assert status.exit_code == 1  # not running
    assert json.loads(status.stdout)["running"] is False
    down = nets(home, "chain", "down", "--json")
    assert down.exit_code == 0
    assert json.loads(down.stdout)["stopped"] is False
