"""`nets chain up|status|down` end to end: real processes, a free port, a temp NETS_HOME."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
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
    assert started["accounts"] == [
        {"index": i, "address": anvil_account(i).address} for i in range(10)
    ]

    running = nets(home, "chain", "status", "--json")
    assert running.exit_code == 0
    status = json.loads(running.stdout)
    assert status["running"] is True
    assert status["chain_id"] == 31337
    assert status["block"] >= 2  # two deployments, then a block every second
    assert status["block_time"] == 1
    assert status["contracts"] == started["contracts"]
    human = nets(home, "chain", "status").stdout
    assert started["url"] in human
    assert "Registry" in human
    assert "mining a block every 1 s" in human

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


def test_up_prints_the_dev_accounts_and_how_to_use_them(home: Path) -> None:
    up = nets(home, "chain", "up", "--no-deploy", "--block-time", "0")
    assert up.exit_code == 0, up.stderr
    url = json.loads((home / "chain.json").read_text())["url"]
    for index in range(10):
        assert f"  {index}: {anvil_account(index).address}" in up.stdout
    assert f"--chain {url} --account N" in up.stdout
    assert f"export NETS_CHAIN={url}" in up.stdout
    assert "blocks on transactions only" in up.stdout


def test_time_moves_on_an_idle_devnet_and_by_hand(home: Path) -> None:
    """Interval mining: blocks appear with no transaction; `chain mine` / `chain advance` act
    on the running devnet by default."""
    assert nets(home, "chain", "up", "--no-deploy", "--block-time", "0.2").exit_code == 0
    first = json.loads(nets(home, "chain", "status", "--json").stdout)["block"]
    deadline = time.monotonic() + 30
    while json.loads(nets(home, "chain", "status", "--json").stdout)["block"] < first + 2:
        assert time.monotonic() < deadline, "no block mined by time alone"
        time.sleep(0.2)
    before = json.loads(nets(home, "chain", "mine", "--json").stdout)
    mined = json.loads(nets(home, "chain", "mine", "5", "--json").stdout)
    assert mined["block"] >= before["block"] + 5
    advanced = json.loads(nets(home, "chain", "advance", "--seconds", "7200", "--json").stdout)
    assert advanced["time"] >= mined["time"] + 7200


def test_mine_and_advance_without_a_lasting_chain_exit_2(home: Path, tmp_path: Path) -> None:
    for args in (
        ["chain", "mine"],
        ["chain", "mine", "--chain", "memory"],
        ["chain", "advance", "--seconds", "5", "--chain", "anvil"],
        ["chain", "mine", "0", "--chain", f"memory:{tmp_path / 'c.json'}"],
        ["chain", "advance", "--seconds", "-3", "--chain", f"memory:{tmp_path / 'c.json'}"],
    ):
        result = nets(home, *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "c.json").exists()


def test_a_throwaway_anvil_warns_that_nothing_lasts(home: Path, tmp_path: Path) -> None:
    result = nets(
        home, "league", "create", "demo", "--chain", "anvil", "--db", str(tmp_path / "n.db")
    )
    assert result.exit_code == 0, result.output
    assert "warning: --chain anvil starts a throwaway devnet" in result.stderr
    assert "run `nets chain up` and pass its URL" in result.stderr


def test_commands_on_the_devnet_bind_the_recorded_abis_without_compiling(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    up = nets(home, "chain", "up", "--block-time", "0", "--json")
    assert up.exit_code == 0, up.output
    url = json.loads(up.stdout)["url"]
    import adapters.build
    from adapters.select import open_chain

    def no_compiling(*_: object, **__: object) -> None:
        raise AssertionError("compiled contracts it does not deploy")

    monkeypatch.setattr(adapters.build, "compile_contracts", no_compiling)
    monkeypatch.setenv("NETS_HOME", str(home))
    with open_chain(url) as opened:
        assert opened.adapter.counts() == (0, 0, 0, 0)
        assert opened.adapter.addresses.dispute_game != opened.adapter.addresses.arena
        assert opened.adapter.dispute(1).phase == 0  # the created DisputeGame is bound too
