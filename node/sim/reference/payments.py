"""prepaid_credits payments: an integer ledger where every agent starts with the same credits.

A payment is refused for a non-positive or non-integer amount, a payment to oneself,
insufficient credits, or a reference the payer already used (replay).
"""

from __future__ import annotations

from node.sim.layers import LayerError, PluginEnv, Receipt

INITIAL_CREDITS = 1000


class PaymentError(LayerError):
    """A refused payment."""


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
        if type(amount) is not int or amount <= 0:
            raise PaymentError("amount must be a positive integer")
        if payee == payer:
            raise PaymentError("cannot pay oneself")
        if not ref or len(ref) > 128:
            raise PaymentError("ref must be 1..128 characters")
        if (payer, ref) in self._refs:
            raise PaymentError(f"duplicate payment ref {ref!r}")
        have = self.balance(payer)
        if have < amount:
            raise PaymentError(f"insufficient credits ({have} < {amount})")
        self._refs.add((payer, ref))
        self._balances[payer] = have - amount
        self._balances[payee] = self.balance(payee) + amount
        now = self._env.now()
        self._env.emit(payer, "pay", {"to": payee, "amount": amount, "ref": ref})
        return Receipt(ref, payer, payee, amount, now)


class Wallet:
    __slots__ = ("_agent_id", "_ledger")

    def __init__(self, ledger: PrepaidCredits, agent_id: str) -> None:
        self._ledger = ledger
        self._agent_id = agent_id

    def balance(self, agent_id: str | None = None) -> int:
        return self._ledger.balance(agent_id or self._agent_id)

    def pay(self, to: str, amount: int, ref: str) -> Receipt:
        return self._ledger._pay(self._agent_id, to, amount, ref)
