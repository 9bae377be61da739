"""The roles as daemons, in real processes: JSON-line events as they happen, a clean stop on
SIGTERM or Ctrl-C (SIGINT) that finishes the current step, saves the chain file and exits 0,
and a restart that resumes where the stopped process left off (nothing sent twice)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import pytest

from adapters.arena_ops import claim_id_of
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from adapters.memory.persist import load_file, save_file
from node.db.engine import open_database
from node.roles.scenario import open_league_round
from tests.roles.agents import DEMO, GREEDY, STAKE

NETS = str(Path(sys.executable).with_name("nets"))


def _prepare(tmp_path: Path) -> list[str]:
    """A memory chain file with greedy registered and staked by account 1 and a demo round
    whose seed block exists; returns the --chain/--db options."""
    path = tmp_path / "chain.json"
    world = load_file(path)
    chain = MemoryChain(world)
    owner = chain.with_signer(anvil_account(1))
    agent = owner.register_agent(GREEDY)
    owner.stake(agent, STAKE)
    db = open_database(f"sqlite:///{tmp_path / 'operator.db'}")
    open_league_round(db, chain, DEMO)
    db.close()
    chain.mine(3)
    save_file(world, path)
    return ["--chain", f"memory:{path}", "--db", f"sqlite:///{tmp_path / 'node.db'}"]


class Role:
    """A `nets` role process whose JSON lines are read as they come."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("NETS_PRIVATE_KEY", None)
        self.process = subprocess.Popen(
            [NETS, *args, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env,
        )  # fmt: skip
        self.lines: Queue[dict[str, Any]] = Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def wait_for(self, kind: str, timeout: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = self.lines.get(timeout=0.5)
            except Empty:
                assert self.process.poll() is None, "the role exited early"
                continue
            self.seen.append(event)
            if event["event"] == kind:
                return event
        raise AssertionError(f"no {kind} event within {timeout} s: {self.seen}")

    def finish(self, timeout: float = 120) -> tuple[int, list[dict[str, Any]]]:
        code = self.process.wait(timeout=timeout)
        time.sleep(0.2)  # the reader thread drains the pipe
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, self.seen


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_submitter_stops_cleanly_and_resumes(tmp_path: Path, signum: signal.Signals) -> None:
    node = _prepare(tmp_path)
    role = Role("submit", "--agent", "1", "--account", "1", "--interval", "0.2", *node)
    started = role.wait_for("notice")
    assert "submitter" in started["text"]
    assert time.strptime(started["time"], "%Y-%m-%dT%H:%M:%SZ")
    role.wait_for("progress")  # playing the round: stop in the middle of the step
    role.process.send_signal(signum)
    code, events = role.finish()
    assert code == 0, role.process.stderr.read() if role.process.stderr else ""
    kinds = [e["event"] for e in events]
    texts = [e["text"] for e in events if e["event"] in ("action", "notice", "refused")]
    assert f"{signum.name}: stopping after the current step" in texts
    assert texts.count("submit claim of agent 1 in round 1") == 1  # the step finished
    assert "stopped: a restart resumes from here" in texts
    assert kinds[-1] == "report"
    assert events[-1]["actions"] == ["submit claim of agent 1 in round 1"]
    assert len(texts) == len(set(texts))  # no line printed twice
    chain = MemoryChain(load_file(Path(node[1].removeprefix("memory:"))))
    assert chain.claim_commit(claim_id_of(1, 1)) != bytes(32)  # saved on the way out
    again = Role("submit", "--agent", "1", "--account", "1", "--once", *node)
    code, events = again.finish()
    assert code == 0
    assert (events[-1]["actions"], events[-1]["refused"]) == ([], [])


def test_verifier_stops_on_sigterm_and_resumes(tmp_path: Path) -> None:
    node = _prepare(tmp_path)
    submitted = Role("submit", "--agent", "1", "--account", "1", "--once", *node)
    assert submitted.finish()[0] == 0
    role = Role("verify", "--account", "6", "--interval", "0.2", *node)
    role.wait_for("progress")
    role.process.send_signal(signal.SIGTERM)
    code, events = role.finish()
    assert code == 0
    report = events[-1]
    assert (report["event"], report["verified"], report["challenged"]) == ("report", 1, [])
    again = Role("verify", "--account", "6", "--once", *node)
    code, events = again.finish()
    assert code == 0
    assert (events[-1]["verified"], events[-1]["actions"]) == (1, [])
