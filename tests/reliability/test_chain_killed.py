"""The chain itself killed with -9 and started again: `nets chain up --state` saves anvil's
state every second, so the restarted chain still has the agent registered and staked before
the kill; a following verifier waits through the outage (one notice), resumes when the chain
is back (one notice) and stops cleanly; a rerun of the submitter sends nothing again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.conftest import GREEDY, NETS, Node

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.anvil, pytest.mark.timeout(600)]

STAKE = str(10**18)
SUBMIT = ["submit", "--register", GREEDY, "--stake", STAKE, "--once"]
WAIT = 120.0
"""Seconds to wait for a state save or a log line on a loaded machine (a bound, not a timing)."""


def wait_until(what: str, ready: object) -> None:
    deadline = time.monotonic() + WAIT
    while not ready():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"no {what} within {WAIT:.0f} s"
        time.sleep(0.2)


def test_a_chain_killed_and_restarted_from_its_state(tmp_path: Path) -> None:
    state = tmp_path / "anvil-state.json"
    node = Node("anvil", "", f"sqlite:///{tmp_path / 'node.db'}", tmp_path)
    up = node.run("chain", "up", "--state", str(state), "--block-time", "1", "--json")
    assert up.returncode == 0, up.stderr
    started = json.loads(up.stdout)
    node.chain = started["url"]
    log = (tmp_path / "verifier.log").open("wb")
    verifier = subprocess.Popen(
        [NETS, "verify", "--chain", node.chain, "--db", f"sqlite:///{tmp_path / 'v.db'}",
         "--interval", "0.2"],
        cwd=tmp_path, env=node.env(), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        submitted = node.run(*SUBMIT, *node.args)
        assert submitted.returncode == 0, submitted.stderr
        after = time.time_ns()
        wait_until("state save", lambda: state.exists() and state.stat().st_mtime_ns > after)

        status = json.loads(node.run("chain", "status", "--json").stdout)
        os.kill(int(status["pid"]), signal.SIGKILL)
        output = (tmp_path / "verifier.log").read_text
        wait_until("outage notice", lambda: "chain unreachable" in output())
        assert verifier.poll() is None, output()  # waiting, not exited

        port = node.chain.rsplit(":", 1)[1]
        again = node.run("chain", "up", "--state", str(state), "--port", port, "--json")
        assert again.returncode == 0, again.stderr
        wait_until("chain-back notice", lambda: "chain back after" in output())

        agent = node.run("agent", "status", "1", *node.args, "--json")
        assert agent.returncode == 0, agent.stderr
        assert json.loads(agent.stdout)["stake"] == int(STAKE)
        rerun = node.run(*SUBMIT, *node.args)
        assert rerun.returncode == 0, rerun.stderr
        assert node.events()["AgentRegistered"] == 1
        assert node.events()["Staked"] == 1
        assert output().count("chain unreachable") == 1  # one notice, not one per attempt
    finally:
        verifier.send_signal(signal.SIGTERM)
        verifier.wait(timeout=60)
        log.close()
        node.run("chain", "down")
    assert verifier.returncode == 0, output()
