"""streaming payments: prepaid credits plus payment streams paid out chunk by chunk.

A stream is opened by a payer towards a payee with a cap; the payer then pays increments into
it (never beyond the cap) and closes it. Anyone can read a stream's state, so a payee checks
what was actually paid before delivering the next chunk, and the trace (``stream_open``,
``stream_pay``, ``stream_close``) is the evidence that every delivery was paid for. One-shot
``pay`` keeps the ``prepaid_credits`` rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from node.sim.layers import LayerError, PluginEnv
from node.sim.plugin_common.payments import AgentWallet
from node.sim.reference.payments import PrepaidCredits


class StreamError(LayerError):
    """A refused stream operation."""


@dataclass
class Stream:
    stream_id: str
    payer: str
    payee: str
    cap: int
    paid: int = 0
    open: bool = True


class StreamingPayments(PrepaidCredits):
    def __init__(self, env: PluginEnv) -> None:
        super().__init__(env)
        self.streams: dict[str, Stream] = {}

    def for_agent(self, agent_id: str) -> StreamWallet:  # type: ignore[override]
        return StreamWallet(self, agent_id)

    def stream(self, stream_id: str) -> Stream | None:
        return self.streams.get(stream_id)


class StreamWallet(AgentWallet[StreamingPayments]):
    """Payments protocol plus open_stream / stream_pay / close_stream / stream."""

    __slots__ = ()

    def open_stream(self, to: str, cap: int, ref: str) -> str:
        led = self._run
        if type(cap) is not int or cap <= 0:
            raise StreamError("cap must be a positive integer")
        if to == self._agent_id:
            raise StreamError("cannot stream to oneself")
        if not ref or len(ref) > 128:
            raise StreamError("ref must be 1..128 characters")
        stream_id = f"{self._agent_id}>{to}:{ref}"
        if stream_id in led.streams:
            raise StreamError(f"stream {stream_id!r} already exists")
        led.streams[stream_id] = Stream(stream_id, self._agent_id, to, cap)
        led._env.emit(self._agent_id, "stream_open", {"stream": stream_id, "to": to, "cap": cap})
        return stream_id

    def stream_pay(self, stream_id: str, amount: int) -> int:
        """Pay ``amount`` more into an own open stream; returns the stream's paid total."""
        led = self._run
        st = led.streams.get(stream_id)
        if st is None or st.payer != self._agent_id or not st.open:
            raise StreamError(f"no open stream {stream_id!r} of {self._agent_id}")
        if type(amount) is not int or amount <= 0 or st.paid + amount > st.cap:
            raise StreamError("increment must be positive and stay within the cap")
        led._move(st.payer, st.payee, amount, StreamError)
        st.paid += amount
        led._env.emit(
            self._agent_id,
            "stream_pay",
            {"stream": stream_id, "to": st.payee, "amount": amount, "paid": st.paid},
        )
        return st.paid

    def close_stream(self, stream_id: str) -> None:
        led = self._run
        st = led.streams.get(stream_id)
        if st is None or st.payer != self._agent_id or not st.open:
            raise StreamError(f"no open stream {stream_id!r} of {self._agent_id}")
        st.open = False
        led._env.emit(self._agent_id, "stream_close", {"stream": stream_id, "paid": st.paid})

    def stream(self, stream_id: str) -> Stream | None:
        return self._run.stream(stream_id)
