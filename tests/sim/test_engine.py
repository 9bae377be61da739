"""Engine: determinism, (time, sequence) ordering, timers, horizon and misuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.sim import engine, scenario
from node.sim.agent import Agent, Context, Setup
from node.sim.engine import SimError
from node.sim.tasktypes import TaskType, register_task
from node.sim.trace import root_path
from tests.fresh import run_python
from tests.sim.conftest import make, run_lines


def test_same_seed_same_bytes_different_seed_different_root(tmp_path: Path) -> None:
    data = make("gossip", 200, failures={"message_drop": 0.1, "byzantine_agents": 0.1})
    a = engine.run(scenario.validate(data), tmp_path / "a.jsonl")
    b = engine.run(scenario.validate(data), tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert a.root == b.root
    assert root_path(tmp_path / "a.jsonl").read_text().strip() == "0x" + a.root.hex()  # type: ignore[union-attr]
    data["seed"] = 2
    c = engine.run(scenario.validate(data), tmp_path / "c.jsonl")
    assert c.root != a.root


_CLI = "import sys; from node.cli import main; sys.exit(main())"


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    outs = []
    for i in range(2):
        out = tmp_path / f"p{i}.jsonl"
        done = run_python(
            _CLI, "run", "pingpong_faults", "-o", str(out), "--json",
            env={"PYTHONHASHSEED": str(i + 1), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(outs[0]) > 1000


class _Recorder(Agent):
    log: list[tuple[int, str, str]] = []  # noqa: RUF012 - shared test sink

    def __init__(self, setup: Setup) -> None:
        self.me = setup.agent_id

    def on_start(self, ctx: Context) -> None:
        if ctx.agent_id == "rec-0":
            ctx.send("rec-1", b"first")
            ctx.send("rec-2", b"second")
            ctx.send("rec-1", b"third")
            ctx.schedule(1, b"tick")
            ctx.schedule(3, b"late")

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        self.log.append((ctx.time, self.me, payload.decode()))

    def on_timer(self, ctx: Context, payload: bytes) -> None:
        self.log.append((ctx.time, self.me, "timer:" + payload.decode()))


class _RecorderConfig(scenario.BaseModel):
    pass


register_task(
    TaskType(
        name="test_recorder",
        description="records deliveries",
        roles={"rec": _Recorder},
        config_model=_RecorderConfig,
        default_roles=lambda n: [("rec", n)],
    )
)


def test_same_time_events_run_in_send_order(tmp_path: Path) -> None:
    _Recorder.log.clear()
    data = make("test_recorder", 3, duration="ticks: 2")
    _, lines = run_lines(data, tmp_path / "r.jsonl")
    # latency 1: the three messages and the first timer all happen at t=1, in creation order;
    # the t=3 timer is past the horizon.
    assert _Recorder.log == [
        (1, "rec-1", "first"),
        (1, "rec-2", "second"),
        (1, "rec-1", "third"),
        (1, "rec-0", "timer:tick"),
    ]
    kinds = [line["kind"] for line in lines]
    assert kinds[0] == "run"
    assert kinds[-1] == "end"
    assert (lines[-1]["in_flight"], lines[-1]["timers_pending"]) == (0, 1)
    assert [ln["id"] for ln in lines if ln["kind"] == "receive"] == [1, 2, 3]


def test_trace_lines_have_stable_key_order(tmp_path: Path) -> None:
    _, lines = run_lines(make("pingpong", 4), tmp_path / "k.jsonl")
    send = next(ln for ln in lines if ln["kind"] == "send")
    receive = next(ln for ln in lines if ln["kind"] == "receive")
    assert list(send) == ["t", "kind", "agent", "to", "id", "size", "msg"]
    assert list(receive) == ["t", "kind", "agent", "from", "id", "lat"]


class _Misbehaving(Agent):
    def __init__(self, setup: Setup) -> None:
        self.mode = setup.role_config.get("mode", "")

    def on_start(self, ctx: Context) -> None:
        if self.mode == "unknown":
            ctx.send("nobody-0", b"x")
        elif self.mode == "delay":
            ctx.schedule(0, b"x")
        elif self.mode == "type":
            ctx.send(ctx.agent_id, "text")  # type: ignore[arg-type]

    def on_stop(self, ctx: Context) -> None:
        if self.mode == "stop":
            ctx.send(ctx.agent_id, b"bye")


register_task(
    TaskType(
        name="test_misbehave",
        description="misuses the context",
        roles={"bad": _Misbehaving},
        config_model=_RecorderConfig,
        default_roles=lambda n: [("bad", n)],
    )
)


def test_failed_run_stops_its_hash_worker(tmp_path: Path) -> None:
    data = make(
        "test_misbehave",
        1,
        agents={"count": 1, "roles": [{"name": "bad", "count": 1, "config": {"mode": "unknown"}}]},
    )
    writer = engine.TraceWriter(tmp_path / "x.jsonl", hash_worker=True)
    worker = writer._worker
    assert worker is not None
    with pytest.raises(SimError):
        engine.Simulation(scenario.validate(data), writer).run()
    assert not worker._proc.is_alive()


def test_worker_and_local_hashing_agree(tmp_path: Path) -> None:
    data = make("gossip", 300, failures={"message_drop": 0.1})
    local = engine.run(scenario.validate(data), tmp_path / "l.jsonl")
    worker = engine.run(scenario.validate(data), tmp_path / "w.jsonl", hash_worker=True)
    assert local.root == worker.root
    assert local.trace_lines == worker.trace_lines


@pytest.mark.parametrize("mode", ["unknown", "delay", "type"])
def test_context_misuse_raises(mode: str) -> None:
    data = make(
        "test_misbehave",
        1,
        agents={"count": 1, "roles": [{"name": "bad", "count": 1, "config": {"mode": mode}}]},
    )
    with pytest.raises(SimError):
        engine.run(scenario.validate(data), None, keep_trace=False)


def test_messages_sent_on_stop_are_dropped_as_shutdown(tmp_path: Path) -> None:
    data = make(
        "test_misbehave",
        1,
        agents={"count": 1, "roles": [{"name": "bad", "count": 1, "config": {"mode": "stop"}}]},
    )
    result, lines = run_lines(data, tmp_path / "s.jsonl")
    assert result.dropped == {"shutdown": 1}
    assert any(ln["kind"] == "drop" and ln["reason"] == "shutdown" for ln in lines)


def test_pingpong_completes_without_faults() -> None:
    result = engine.run(scenario.validate(make("pingpong", 20)), None, keep_trace=False)
    assert result.metrics["completion_rate"] == 1.0
    assert result.sent == result.delivered == 10 * 10 * 2
    assert result.metrics["mean_latency"] == 1.0


def test_latency_setting_moves_the_clock() -> None:
    slow = make("pingpong", 2, network={"latency": 7})
    slow["task"]["config"] = {"timeout": 0}
    result = engine.run(scenario.validate(slow), None, keep_trace=False)
    assert result.metrics["mean_latency"] == 7.0
    assert result.end_time == 7 * 2 * 10  # 10 round trips, the last pong lands at 140


def test_jitter_stays_within_bounds(tmp_path: Path) -> None:
    data = make("gossip", 300, network={"latency": 3, "jitter": 4})
    _, lines = run_lines(data, tmp_path / "j.jsonl")
    lats = {ln["lat"] for ln in lines if ln["kind"] == "receive"}
    assert lats <= set(range(3, 8))
    assert len(lats) > 2


def test_no_trace_gives_same_counts_as_trace(tmp_path: Path) -> None:
    data = make("gossip", 300, failures={"message_drop": 0.2})
    with_trace = engine.run(scenario.validate(data), tmp_path / "w.jsonl")
    without = engine.run(scenario.validate(data), None, keep_trace=False)
    assert (with_trace.events, with_trace.sent, with_trace.dropped) == (
        without.events,
        without.sent,
        without.dropped,
    )
    assert without.root is None


class _Talker(Agent):
    def __init__(self, setup: Setup) -> None:
        self.heard: list[str] = []

    def on_start(self, ctx: Context) -> None:
        if ctx.agent_id == "talk-0":
            ctx.broadcast(b"hello")
            ctx.emit("said", words=["hello"], raw=b"\x01")
            ctx.plugins.payments.pay("talk-1", 5, "r1")

    def on_message(self, ctx: Context, sender: str, payload: bytes) -> None:
        self.heard.append(sender)


register_task(
    TaskType(
        name="test_talk",
        description="broadcast, app and layer events",
        roles={"talk": _Talker},
        config_model=_RecorderConfig,
        default_roles=lambda n: [("talk", n)],
    )
)


def test_broadcast_app_and_layer_events(tmp_path: Path) -> None:
    result, lines = run_lines(make("test_talk", 4), tmp_path / "b.jsonl")
    assert result.sent == 3
    assert sorted(ln["agent"] for ln in lines if ln["kind"] == "receive") == [
        "talk-1",
        "talk-2",
        "talk-3",
    ]
    app = next(ln for ln in lines if ln["kind"] == "app")
    assert app == {
        "t": 0,
        "kind": "app",
        "agent": "talk-0",
        "event": "said",
        "words": ["hello"],
        "raw": "0x01",
    }
    pay = next(ln for ln in lines if ln["kind"] == "layer")
    assert (pay["layer"], pay["plugin"], pay["event"], pay["to"], pay["amount"]) == (
        "payments",
        "prepaid_credits",
        "pay",
        "talk-1",
        5,
    )
