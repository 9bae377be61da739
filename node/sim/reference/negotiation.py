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

    def for_agent(self, agent_id: str) -> Negotiator:
        return Negotiator(self, agent_id)


def _target(session: Session, rnd: int) -> int:
    """The price this side asks (seller) or offers (buyer) in round ``rnd``."""
    res = session.reservation
    gap = res * SPREAD_PERCENT // 100
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
        session.round += 1
        counter = _target(session, session.round)
        good = offer >= counter if session.selling else offer <= counter
        env = self._run._env
        if good:
            session.state = "agreed"
            env.emit(self._agent_id, "agree", {"session": session.session_id, "price": offer})
            return Reply("accept", offer)
        if session.round >= self._run.max_rounds:
            session.state = "broken"
            env.emit(self._agent_id, "breakdown", {"session": session.session_id})
            return Reply("breakdown", None)
        session.last_offer = counter
        return Reply("counter", counter)
