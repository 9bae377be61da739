"""The discrete-event engine: virtual clock, (time, sequence) ordering, transport and failures.

Cost is linear in events and memory linear in agents: one heap entry per message or timer in
flight, one agent object and one small context per agent, and nothing that walks all agents
per event. Random streams: one per agent (lazy), one for failures, all derived from the seed.
"""

from __future__ import annotations

import gc
import heapq
import json
import random
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

from node.sim.agent import Agent, Context, Roster, Setup
from node.sim.layers import LAYERS, PluginEnv, Provider, TransportProvider
from node.sim.rng import derive_seed
from node.sim.scenario import DEFAULT_METRICS, Resolved, ScenarioError
from node.sim.trace import FLUSH_LINES, TraceWriter

TRACE_FORMAT = "nets-sim/1"
_DELIVER = 0
_TIMER = 1
_HEAL = 2
_MSG_CACHE_MAX = 4096
_quote = encode_basestring_ascii
# The collector's first threshold while a run is on (CPython's default is 700). A run allocates
# millions of short-lived, acyclic objects (event tuples, offers, replies) next to agent state
# that grows with the agent count; at 700 the collector ran every few hundred events and its
# older generations walked that state again and again: 10% of the 100,000-agent marketplace's
# CPU. At 50,000 it is under 2%, and a generation-0 pass stays small (<= 50,000 objects).
GC_THRESHOLD_0 = 50_000


class SimError(RuntimeError):
    """An agent misused the context (unknown recipient, bad delay, non-bytes payload)."""


@dataclass
class RunResult:
    """What a run did; ``root`` is the trace Merkle root (None when no trace was kept)."""

    name: str
    seed: int
    agents: int
    events: int
    sent: int
    delivered: int
    dropped: dict[str, int]
    end_time: int
    wall_seconds: float
    trace_lines: int
    root: bytes | None
    trace_path: str | None
    metrics: dict[str, float | None] = field(default_factory=dict)

    @property
    def events_per_second(self) -> float:
        return self.events / self.wall_seconds if self.wall_seconds > 0 else 0.0


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"not JSON-serializable in a trace event: {type(value).__name__}")


_INTS = [str(i) for i in range(1024)]
"""The decimal text of small ints (sizes, latencies): a list index instead of a conversion."""
_KEY_HEADS: dict[str, str] = {}
"""``,"key":`` per event field name: names come from code, a few dozen per run."""
_QUOTED: dict[str, str] = {}
"""The JSON text of event names and agent ids, quoted once."""
_CACHE_MAX = 4096


def _quoted(text: str) -> str:
    """``text`` as a JSON string (ASCII), from _QUOTED when seen before."""
    out = _QUOTED.get(text)
    if out is None:
        out = _quote(text)
        if len(_QUOTED) < _CACHE_MAX and type(text) is str:
            _QUOTED[text] = out
    return out


def _fields_json(fields: Mapping[str, Any]) -> str:
    """``,"k":v,...`` exactly as json.dumps writes the dict (compact, ASCII): scalars, the usual
    case, are formatted here; anything else (lists, bytes, NaN) goes through json.dumps."""
    out = ""
    heads = _KEY_HEADS
    for key, value in fields.items():
        head = heads.get(key)
        if head is None:
            if type(key) is not str:
                return _dumped(fields)
            head = f",{_quote(key)}:"
            if len(heads) < _CACHE_MAX:
                heads[key] = head
        kind = type(value)
        if kind is str:
            out += head
            out += _quote(value)
        elif kind is int:
            out += head
            out += _INTS[value] if 0 <= value < 1024 else int.__repr__(value)
        elif kind is bool:
            out += head
            out += "true" if value else "false"
        elif kind is float and value - value == 0.0:  # finite
            out += head
            out += float.__repr__(value)
        elif value is None:
            out += head
            out += "null"
        else:
            return _dumped(fields)
    return out


def _dumped(fields: Mapping[str, Any]) -> str:
    text = json.dumps(fields, separators=(",", ":"), allow_nan=False, default=_jsonable)
    return "," + text[1:-1] if fields else ""


class Simulation:
    """One run of one resolved scenario."""

    def __init__(self, resolved: Resolved, trace: TraceWriter | None = None) -> None:
        sc = resolved.scenario
        self.resolved = resolved
        self.seed = sc.seed
        self.now = 0
        self.horizon = sc.max_ticks
        self._trace = trace
        self._w = trace.buf.append if trace is not None else None
        self._buf: list[str] = trace.buf if trace is not None else []
        # The event queue: one FIFO bucket per virtual time plus a heap of the distinct times.
        # Every delay is >= 1 tick, so a bucket never grows while it is being processed, and
        # FIFO order within a bucket is creation order: the (time, sequence) order, with no
        # per-event heap operation.
        self._buckets: dict[int, list[tuple[Any, ...]]] = {}
        self._times: list[int] = []
        self._stopping = False
        self._msg_cache: dict[bytes, str] = {}
        # the constant heads of lines written at the current virtual time (set per time)
        self._send_head = '{"t":0,"kind":"send","agent":'
        self._app_head = '{"t":0,"kind":"app","agent":'
        self._t_head = '{"t":0,'

        self.roster = Roster(
            {role.name: [f"{role.name}-{i}" for i in range(n)] for role, n in resolved.roles}
        )
        names = self.roster.all
        self._names = names
        self._index = {name: i for i, name in enumerate(names)}
        self._q = [encode_basestring_ascii(name) for name in names]
        self._q_of = dict(zip(names, self._q, strict=True))  # an agent id's JSON text
        self._roles: list[str] = []
        self._agents: list[Agent] = []
        self._ctxs: list[Context] = []
        with _collector_for_a_run():  # 1,000,000 agents: 3.0 s CPU instead of 5.4 s
            for role, n in resolved.roles:
                cls = resolved.task.roles[role.name]
                for i in range(n):
                    idx = len(self._agents)
                    name = names[idx]
                    setup = Setup(
                        name, role.name, i, resolved.task_config, role.config, self.roster
                    )
                    self._agents.append(cls(setup))
                    self._ctxs.append(Context(self, idx, name, role.name))
                    self._roles.append(role.name)

        self.providers: dict[str, Provider] = {}
        for layer in LAYERS:
            plugin = getattr(sc.layers, layer)
            config: dict[str, Any] = sc.network.model_dump() if layer == "transport" else {}
            env = PluginEnv(
                layer, plugin, sc.seed, self._clock, self._layer_emitter(layer, plugin), config
            )
            self.providers[layer] = resolved.providers[layer](env)
        transport = self.providers["transport"]
        if not isinstance(transport, TransportProvider):
            raise ScenarioError("layers.transport", "the plugin does not provide delay()")
        self._transport = transport
        self._const_delay = transport.constant_delay
        if self._const_delay is not None and (
            type(self._const_delay) is not int or self._const_delay < 1
        ):
            raise ScenarioError("layers.transport", "constant_delay must be an int >= 1 or None")

        failures = sc.failures
        self._frng = random.Random(derive_seed(sc.seed, "failures"))
        self._drop = failures.message_drop
        n_agents = len(names)
        self._byz = bytearray(n_agents)
        if failures.byzantine_agents > 0 and n_agents:
            k = max(1, round(n_agents * failures.byzantine_agents))
            for i in self._frng.sample(range(n_agents), k):
                self._byz[i] = 1
        self.byzantine = sum(self._byz)
        self._group: list[int] | None = None
        part = failures.network_partition
        if part is not None:
            self._group = [-1] * n_agents
            for g, members in enumerate(part.groups):
                for name in members:
                    self._group[self._index[name]] = g
            heal = failures.heal_at
            if heal is not None:
                self._push(heal, (_HEAL, -1, -1, b"", 0, 0))

        # Nanda Town's unique_pairs: kept only when a file asks for it (a set add per send)
        self._pairs: set[int] | None = set() if "unique_pairs" in sc.metrics else None
        self._faulty = False
        self._slow = False  # send's one test for its slow path: _faulty or _pairs kept
        self._update_faulty()
        self.sent = 0
        self.delivered = 0
        self.dropped: dict[str, int] = {}
        self.latency_sum = 0
        self.latency_max = 0
        self.events = 0

    # ------------------------------------------------------------------ services to agents

    def _clock(self) -> int:
        return self.now

    def _msg_field(self, payload: bytes) -> str:
        text = self._msg_cache.get(payload)
        if text is None:
            try:
                text = '"msg":' + encode_basestring_ascii(payload.decode())
            except UnicodeDecodeError:
                text = '"msg_hex":"' + payload.hex() + '"'
            if len(self._msg_cache) < _MSG_CACHE_MAX and len(payload) <= 64:
                self._msg_cache[payload] = text
        return text

    def send(self, src: int, to: str, payload: bytes) -> None:
        dst = self._index.get(to)
        if dst is None:
            raise SimError(f"{self._names[src]} sent to unknown agent {to!r}")
        if type(payload) is not bytes:
            if not isinstance(payload, bytes | bytearray | memoryview):
                raise SimError(f"{self._names[src]} sent a {type(payload).__name__}, not bytes")
            payload = bytes(payload)
        self.sent = mid = self.sent + 1
        if self._slow:  # unique_pairs is kept, or a failure is configured
            pairs = self._pairs
            if pairs is not None:
                n = len(self._names)
                pairs.add(src * n + dst if src < dst else dst * n + src)
            if self._faulty:
                self._send_faulty(src, dst, mid, payload)
                return
        now = self.now
        w = self._w
        if w is not None:
            q = self._q
            size = len(payload)
            try:  # most payloads are new (they carry request ids): no cache to look in
                w(
                    f'{self._send_head}{q[src]},"to":{q[dst]},"id":{mid},"size":'
                    f'{_INTS[size] if size < 1024 else size},"msg":{_quote(payload.decode())}}}'
                )
            except UnicodeDecodeError:
                w(
                    f'{self._send_head}{q[src]},"to":{q[dst]},"id":{mid},"size":{size},'
                    f'"msg_hex":"{payload.hex()}"}}'
                )
        at = now + (self._const_delay or self._delay(src, dst, payload))
        bucket = self._buckets.get(at)
        if bucket is None:
            self._buckets[at] = [(_DELIVER, dst, src, payload, mid, now)]
            heapq.heappush(self._times, at)
        else:
            bucket.append((_DELIVER, dst, src, payload, mid, now))

    def _delay(self, src: int, dst: int, payload: bytes) -> int:
        delay = self._transport.delay(self._names[src], self._names[dst], len(payload))
        if type(delay) is not int or delay < 1:
            raise SimError(f"transport delay must be an int >= 1, got {delay!r}")
        return delay

    def _send_faulty(self, src: int, dst: int, mid: int, payload: bytes) -> None:
        """The send path when any failure is configured: garble, trace, then drop or deliver."""
        now = self.now
        garbled = self._byz[src]
        if garbled:
            payload = self._frng.randbytes(len(payload))
        w = self._w
        if w is not None:
            w(
                f'{{"t":{now},"kind":"send","agent":{self._q[src]},"to":{self._q[dst]},'
                f'"id":{mid},"size":{len(payload)},{self._msg_field(payload)}'
                + (',"garbled":true}' if garbled else "}")
            )
        if self._stopping:
            self._lose(src, dst, mid, "shutdown")
            return
        if self._drop and self._frng.random() < self._drop:
            self._lose(src, dst, mid, "loss")
            return
        group = self._group
        if group is not None:
            gs = group[src]
            gd = group[dst]
            if gs >= 0 and gd >= 0 and gs != gd:
                self._lose(src, dst, mid, "partition")
                return
        self._push(
            now + (self._const_delay or self._delay(src, dst, payload)),
            (_DELIVER, dst, src, payload, mid, now),
        )

    def _update_faulty(self) -> None:
        self._faulty = bool(
            self._stopping or self._drop or self._group is not None or self.byzantine
        )
        self._slow = self._faulty or self._pairs is not None

    def _lose(self, src: int, dst: int, mid: int, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1
        if self._w is not None:
            self._w(
                f'{{"t":{self.now},"kind":"drop","agent":{self._q[src]},"to":{self._q[dst]},'
                f'"id":{mid},"reason":"{reason}"}}'
            )

    def schedule(self, idx: int, delay: int, payload: bytes) -> None:
        if type(delay) is not int or delay < 1:
            raise SimError(f"{self._names[idx]}: timer delay must be an int >= 1, got {delay!r}")
        if type(payload) is not bytes:
            raise SimError(f"{self._names[idx]}: timer payload must be bytes")
        if self._stopping:
            return
        now = self.now
        self._push(now + delay, (_TIMER, idx, idx, payload, 0, now))

    def _push(self, at: int, event: tuple[Any, ...]) -> None:
        bucket = self._buckets.get(at)
        if bucket is None:
            self._buckets[at] = [event]
            heapq.heappush(self._times, at)
        else:
            bucket.append(event)

    def _layer_emitter(self, layer: str, plugin: str) -> Any:
        prefix = f'"kind":"layer","layer":"{layer}","plugin":{encode_basestring_ascii(plugin)}'
        q_of = self._q_of

        def emit(agent_id: str, event: str, fields: dict[str, Any]) -> None:
            if self._w is not None:
                self._w(
                    f'{self._t_head}{prefix},"agent":{q_of.get(agent_id) or _quote(agent_id)},'
                    f'"event":{_QUOTED.get(event) or _quoted(event)}{_fields_json(fields)}}}'
                )

        return emit

    def emit_app(self, idx: int, event: str, fields: Mapping[str, Any]) -> None:
        if self._w is not None:
            self._w(
                f"{self._app_head}{self._q[idx]},"
                f'"event":{_QUOTED.get(event) or _quoted(event)}{_fields_json(fields)}}}'
            )

    # ------------------------------------------------------------------ the loop

    def run(self) -> RunResult:
        try:
            with _collector_for_a_run():
                return self._run()
        except BaseException:
            if self._trace is not None:
                self._trace.abort()
            raise

    def _run(self) -> RunResult:
        started = time.perf_counter()
        sc = self.resolved.scenario
        w = self._w
        agents = self._agents
        ctxs = self._ctxs
        q = self._q
        names = self._names
        byz = self._byz
        trace = self._trace
        buf = self._buf
        if w is not None:
            header = {
                "kind": "run",
                "format": TRACE_FORMAT,
                "name": sc.name,
                "seed": sc.seed,
                "task": sc.task.type,
                "agents": len(agents),
                "horizon": self.horizon,
                "layers": sc.layers.model_dump(),
                "failures": sc.failures.model_dump(exclude_none=True),
                "network": sc.network.model_dump(),
            }
            w(json.dumps(header, separators=(",", ":")))
        for i, agent in enumerate(agents):
            if w is not None:
                w(
                    f'{{"t":0,"kind":"start","agent":{q[i]},"role":"{self._roles[i]}"'
                    + (',"byzantine":true}' if byz[i] else "}")
                )
            agent.on_start(ctxs[i])
            if len(buf) >= FLUSH_LINES and trace is not None:
                trace.flush()

        buckets = self._buckets
        times = self._times
        pop = heapq.heappop
        horizon = self.horizon
        timers = 0
        lat_sum = 0
        lat_max = 0
        delivered = 0
        msg_cache = self._msg_cache
        msg_field = self._msg_field
        ints = _INTS
        flush_at = FLUSH_LINES  # buf stays empty without a trace
        while times:
            t = pop(times)
            if t > horizon:
                heapq.heappush(times, t)  # its events are still in flight at the end
                break
            self.now = t
            # the constant heads of this time's lines, formatted once per time, not per event
            self._send_head = f'{{"t":{t},"kind":"send","agent":'
            self._app_head = f'{{"t":{t},"kind":"app","agent":'
            self._t_head = f'{{"t":{t},'
            receive_head = f'{{"t":{t},"kind":"receive","agent":'
            timer_head = f'{{"t":{t},"kind":"timer","agent":'
            for kind, dst, src, payload, mid, sent_at in buckets.pop(t):
                if kind == 0:  # _DELIVER
                    delivered += 1
                    lat = t - sent_at
                    lat_sum += lat
                    if lat > lat_max:
                        lat_max = lat
                    if w is not None:
                        w(
                            f'{receive_head}{q[dst]},"from":{q[src]},"id":{mid},'
                            f'"lat":{ints[lat] if lat < 1024 else lat}}}'
                        )
                    agents[dst].on_message(ctxs[dst], names[src], payload)
                elif kind == _TIMER:
                    timers += 1
                    if w is not None:
                        msg = msg_cache.get(payload) or msg_field(payload)
                        w(f"{timer_head}{q[dst]},{msg}}}")
                    agents[dst].on_timer(ctxs[dst], payload)
                else:
                    self._group = None
                    self._update_faulty()
                    if w is not None:
                        w(f'{{"t":{t},"kind":"heal"}}')
                if len(buf) >= flush_at and trace is not None:
                    trace.flush()
        events = delivered + timers
        self.events = events
        self.delivered = delivered
        self.latency_sum = lat_sum
        self.latency_max = lat_max

        self._stopping = True
        self._update_faulty()
        end_time = self.now
        for i, agent in enumerate(agents):
            if w is not None:
                w(f'{{"t":{end_time},"kind":"stop","agent":{q[i]}}}')
            agent.on_stop(ctxs[i])
            if len(buf) >= FLUSH_LINES and trace is not None:
                trace.flush()
        pending = [ev[0] for bucket in buckets.values() for ev in bucket]
        in_flight = pending.count(_DELIVER)
        timers = pending.count(_TIMER)
        if w is not None:
            w(
                f'{{"t":{end_time},"kind":"end","events":{events},"sent":{self.sent},'
                f'"delivered":{delivered},"dropped":{sum(self.dropped.values())},'
                f'"in_flight":{in_flight},"timers_pending":{timers}}}'
            )
        root = trace.close() if trace is not None else None
        wall = time.perf_counter() - started
        return RunResult(
            name=sc.name,
            seed=sc.seed,
            agents=len(agents),
            events=events,
            sent=self.sent,
            delivered=delivered,
            dropped=dict(sorted(self.dropped.items())),
            end_time=end_time,
            wall_seconds=wall,
            trace_lines=trace.lines if trace is not None else 0,
            root=root,
            trace_path=str(trace.path) if trace is not None and trace.path is not None else None,
            metrics=self._metrics(),
        )

    def _metrics(self) -> dict[str, float | None]:
        sent = self.sent
        lost = sum(self.dropped.values())
        messages = sent + self.delivered
        duration = self.now
        generic: dict[str, float | None] = {
            "agent_count": float(len(self._agents)),
            "byzantine_count": float(self.byzantine),
            "delivery_rate": self.delivered / sent if sent else None,
            "drop_rate": lost / sent if sent else None,
            "event_count": float(self.events),
            "mean_latency": self.latency_sum / self.delivered if self.delivered else None,
            "max_latency": float(self.latency_max) if self.delivered else None,
            "messages_sent": float(sent),
            # Nanda Town's definitions (docs/protocol/sim.md, "Metrics")
            "success_rate": self.delivered / sent if sent else 0.0,
            "message_count": float(messages),
            "dropped_count": float(lost),
            "duration": float(duration),
            "throughput": messages / duration if duration > 0 else 0.0,
            "unique_pairs": float(len(self._pairs)) if self._pairs is not None else None,
            "deal_rate": 0.0,
            "rejection_rate": 0.0,
            "mean_rounds_to_deal": 0.0,
        }
        task = self.resolved.task
        extra = dict(task.metrics(self._agents, self.resolved.task_config)) if task.metrics else {}
        everything = {**generic, **extra}
        wanted = self.resolved.scenario.metrics or [*DEFAULT_METRICS, *extra]
        return {name: everything.get(name) for name in wanted}

    @property
    def agents(self) -> list[Agent]:
        return self._agents


@contextmanager
def _collector_for_a_run() -> Iterator[None]:
    """Raise the collector's first threshold to GC_THRESHOLD_0 while agents are built and while
    the run is on, then put the caller's back."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_THRESHOLD_0), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run(
    resolved: Resolved,
    trace_path: Path | None = None,
    *,
    keep_trace: bool = True,
    hash_worker: bool = False,
) -> RunResult:
    """Run a resolved scenario. ``keep_trace=False`` skips trace lines and the root entirely;
    ``hash_worker`` hashes the trace in a second process (same root, less wall time)."""
    writer = TraceWriter(trace_path, hash_worker=hash_worker) if keep_trace else None
    try:
        sim = Simulation(resolved, writer)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    return sim.run()
