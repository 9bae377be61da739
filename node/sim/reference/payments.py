"""prepaid_credits payments: an integer ledger where every agent starts with the same credits.

A payment is refused for a non-positive or non-integer amount, a payment to oneself,
insufficient credits, or a reference the payer already used (replay).
"""

from __future__ import annotations

from node.sim.layers import LayerError, PluginEnv, Receipt
from node.sim.plugin_common.payments import (
    INITIAL_CREDITS,
    AgentWallet,
    PaymentError,
    check_payment,
)


class PrepaidCredits:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._initial = int(env.config.get("initial_credits", INITIAL_CREDITS))
        self._balances: dict[str, int] = {}
        self._refs: set[tuple[str, str]] = set()

    def for_agent(self, agent_id: str) -> Wallet:
        return Wallet(self, agent_id)

    def balance(self, agent_id: str) -> int:
        return self._balances.get(agent_id, self._initial)

    def _pay(self, payer: str, payee: str, amount: int, ref: str) -> Receipt:
        check_payment(payer, payee, amount, ref)
        if (payer, ref) in self._refs:
            raise PaymentError(f"duplicate payment ref {ref!r}")
        self._move(payer, payee, amount, PaymentError)
        self._refs.add((payer, ref))
        now = self._env.now()
        self._env.emit(payer, "pay", {"to": payee, "amount": amount, "ref": ref})
        return Receipt(ref, payer, payee, amount, now)

    def _move(self, payer: str, payee: str, amount: int, error: type[LayerError]) -> None:
        """Move credits the payer has, else raise ``error`` naming what it has."""
        have = self.balance(payer)
        if have < amount:
            raise error(f"insufficient credits ({have} < {amount})")
        self._balances[payer] = have - amount
        self._balances[payee] = self.balance(payee) + amount


class Wallet(AgentWallet[PrepaidCredits]):
    __slots__ = ()
