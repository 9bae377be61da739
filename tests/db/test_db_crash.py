"""kill -9 a process that is writing intents: the restarted node sees a consistent outbox."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from node.db import Outbox, open_database

WRITER = Path(__file__).with_name("intent_writer.py")
ROOT = Path(__file__).resolve().parents[2]


def _kill_while_writing(url: str, chain_id: int, at_least: int, rng: random.Random) -> list[int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, str(WRITER), url, str(chain_id)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    reported: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(reported) < at_least and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            reported.append(int(line))
        time.sleep(rng.uniform(0, 0.02))  # land the kill anywhere inside the next intent
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert len(reported) >= at_least, "the writer did not get going"
    return reported


def test_kill_9_leaves_a_consistent_outbox(db_url: str) -> None:
    rng = random.Random(7)
    for attempt, chain_id in enumerate((31337, 31338)):
        reported = _kill_while_writing(db_url, chain_id, 20 + 10 * attempt, rng)
        db = open_database(db_url)
        outbox = Outbox(db, chain_id)
        intents = outbox.all_intents()
        keys = [intent.key for intent in intents]
        assert keys == [f"submit:1:{index}" for index in range(len(keys))], "gap or duplicate"
        assert len(keys) >= len(reported)
        for intent in intents[: len(reported)]:
            assert intent.status == "done"
            assert intent.result == {"claim_id": (1 << 64) | intent.payload["index"]}
        open_ones = outbox.pending_intents()
        assert [i.key for i in open_ones] in ([], [keys[-1]]), "only the last can be unfinished"
        for intent in open_ones:
            assert intent.status in ("pending", "sent")
            if intent.status == "sent":
                assert intent.tx_hash == intent.payload["index"].to_bytes(32, "big")
            # restart: the chain says whether it landed; either way it ends done exactly once
            outbox.mark_done(intent.key, {"claim_id": (1 << 64) | intent.payload["index"]})
        for index in range(len(keys)):
            outbox.record_intent("submit", [1, index], {"index": index})
        assert len(outbox.all_intents()) == len(keys)
        assert outbox.pending_intents() == []
        db.close()
