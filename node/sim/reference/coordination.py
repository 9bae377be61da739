"""contract_net coordination: FIPA Contract Net calls for proposals, bids and awards.

A manager announces a task with a deadline; contractors bid once each before it; after the
deadline only the manager can award, to the lowest price (ties to the smaller agent id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from node.sim.layers import Award, LayerError, PluginEnv
from node.sim.plugin_common.view import AgentView


@dataclass
class _Call:
    manager: str
    task: str
    deadline: int
    bids: dict[str, int] = field(default_factory=dict)
    award: Award | None = None


class ContractNet:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._calls: dict[str, _Call] = {}
        self._counter: dict[str, int] = {}

    def for_agent(self, agent_id: str) -> ContractNetRole:
        return ContractNetRole(self, agent_id)


class ContractNetRole(AgentView[ContractNet]):
    __slots__ = ()

    def announce(self, task: str, deadline: int) -> str:
        net = self._run
        if type(deadline) is not int or deadline <= net._env.now():
            raise LayerError("deadline must be a tick in the future")
        n = net._counter.get(self._agent_id, 0) + 1
        net._counter[self._agent_id] = n
        call_id = f"{self._agent_id}/{n}"
        net._calls[call_id] = _Call(self._agent_id, task, deadline)
        net._env.emit(self._agent_id, "announce", {"call": call_id, "deadline": deadline})
        return call_id

    def bid(self, call_id: str, price: int) -> bool:
        """False for an unknown or closed call, a late, repeated, own or non-positive bid."""
        net = self._run
        call = net._calls.get(call_id)
        if (
            call is None
            or call.award is not None
            or net._env.now() >= call.deadline
            or call.manager == self._agent_id
            or self._agent_id in call.bids
            or type(price) is not int
            or price <= 0
        ):
            return False
        call.bids[self._agent_id] = price
        net._env.emit(self._agent_id, "bid", {"call": call_id, "price": price})
        return True

    def award(self, call_id: str) -> Award | None:
        net = self._run
        call = net._calls.get(call_id)
        if call is None or call.manager != self._agent_id:
            raise LayerError(f"{self._agent_id} does not manage call {call_id!r}")
        if call.award is not None:
            return call.award
        if net._env.now() < call.deadline or not call.bids:
            return None
        winner = min(call.bids.items(), key=lambda kv: (kv[1], kv[0]))
        call.award = Award(call_id, winner[0], winner[1], len(call.bids))
        net._env.emit(self._agent_id, "award", {"call": call_id, "winner": winner[0]})
        return call.award
