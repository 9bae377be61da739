"""What every credits plugin shares: the payment error, the payment check and the wallet.

A plugin's run-wide ledger decides where balances live (a dict, a contract); the wallet only
binds the paying agent, so every payments plugin refuses the same payments with the same words.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from node.sim.layers import LayerError, Receipt
from node.sim.plugin_common.view import AgentView

INITIAL_CREDITS = 1000
"""What every agent holds before its first payment, unless the config says ``initial_credits``."""


class PaymentError(LayerError):
    """A refused payment."""


def check_payment(payer: str, payee: str, amount: int, ref: str) -> None:
    """Refuse non-positive or non-integer amounts, paying oneself and refs outside 1..128."""
    if type(amount) is not int or amount <= 0:
        raise PaymentError("amount must be a positive integer")
    if payee == payer:
        raise PaymentError("cannot pay oneself")
    if not ref or len(ref) > 128:
        raise PaymentError("ref must be 1..128 characters")


class RunLedger(Protocol):
    """The run-wide side of a payments plugin, as its wallets use it."""

    def balance(self, agent_id: str) -> int: ...

    def _pay(self, payer: str, payee: str, amount: int, ref: str) -> Receipt: ...


L = TypeVar("L", bound=RunLedger)


class AgentWallet(AgentView[L]):
    """One agent's Payments layer: it pays as that agent and reads any balance."""

    __slots__ = ()

    def balance(self, agent_id: str | None = None) -> int:
        return self._run.balance(agent_id or self._agent_id)

    def pay(self, to: str, amount: int, ref: str) -> Receipt:
        return self._run._pay(self._agent_id, to, amount, ref)
