"""alternating_offers negotiation: Rubinstein-style offers with geometric concession.

Each side opens at ``reservation x (1 +/- spread)`` and concedes towards its reservation by a
discount factor per round. A side accepts an offer at least as good as the counter it would
make next; after ``max_rounds`` offers it breaks off. Integer prices, no floats in the state.
"""

from __future__ import annotations

from node.sim.layers import LayerError, PluginEnv, Reply, Session
from node.sim.plugin_common.view import AgentView

DISCOUNT_NUM, DISCOUNT_DEN = 4, 5  # concede 20% of the remaining gap per round
SPREAD_PERCENT = 50
MAX_ROUNDS = 10


class AlternatingOffers:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self.max_rounds = int(env.config.get("max_rounds", MAX_ROUNDS))
        self._accepts: dict[int, Reply] = {}
        self._counters: dict[int, Reply] = {}

    def reply(self, action: str, price: int) -> Reply:
        """The run's one ``Reply(action, price)`` for accept and counter."""
        made = self._accepts if action == "accept" else self._counters
        reply = made.get(price)
        if reply is None:
            reply = Reply(action, price)
            if len(made) < _REPLY_CACHE:
                made[price] = reply
        return reply

    def for_agent(self, agent_id: str) -> Negotiator:
        return Negotiator(self, agent_id)


_NUM = [DISCOUNT_NUM**r for r in range(64)]
_DEN = [DISCOUNT_DEN**r for r in range(64)]
"""The discount's powers, looked up rather than raised for every offer."""
_BREAKDOWN = Reply("breakdown", None)
_REPLY_CACHE = 8192
"""Replies are frozen: the accept and counter replies at each price are built once."""


def _target(session: Session, rnd: int) -> int:
    """The price this side asks (seller) or offers (buyer) in round ``rnd``."""
    res = session.reservation
    gap = res * SPREAD_PERCENT // 100
    if rnd < 64:
        gap = gap * _NUM[rnd] // _DEN[rnd]
    else:
        gap = gap * DISCOUNT_NUM**rnd // DISCOUNT_DEN**rnd
    return res + gap if session.selling else res - gap


class Negotiator(AgentView[AlternatingOffers]):
    __slots__ = ()

    def open(
        self, session_id: str, counterparty: str, reservation: int, *, selling: bool
    ) -> Session:
        if type(reservation) is not int or reservation <= 0:
            raise LayerError("reservation must be a positive integer")
        self._run._env.emit(
            self._agent_id,
            "open",
            {"session": session_id, "with": counterparty, "selling": selling},
        )
        return Session(session_id, counterparty, reservation, selling)

    def first_offer(self, session: Session) -> int:
        session.last_offer = _target(session, 0)
        return session.last_offer

    def respond(self, session: Session, offer: int) -> Reply:
        if session.state != "open":
            raise LayerError(f"session {session.session_id} is {session.state}")
        if type(offer) is not int or offer <= 0:
            raise LayerError("offer must be a positive integer")
        rnd = session.round = session.round + 1
        counter = _target(session, rnd)
        run = self._run
        if offer >= counter if session.selling else offer <= counter:
            session.state = "agreed"
            run._env.emit(self._agent_id, "agree", {"session": session.session_id, "price": offer})
            return run._accepts.get(offer) or run.reply("accept", offer)
        if rnd >= run.max_rounds:
            session.state = "broken"
            run._env.emit(self._agent_id, "breakdown", {"session": session.session_id})
            return _BREAKDOWN
        session.last_offer = counter
        return run._counters.get(counter) or run.reply("counter", counter)
