"""chain_ledger payments: prepaid credits held on a SimLedger contract.

Every agent starts with the same credits, deposited by the operator in one batched
transaction for all agents seen since the last payment. Refusals are those of
prepaid_credits, decided by the contract (its named error becomes the PaymentError); the
trace carries only amounts and references, never a transaction hash or block, so a run's
root is the same on memory and on anvil.
"""

from __future__ import annotations

from functools import cached_property

from adapters.errors import ChainError
from node.sim.chain.funding import Newcomers
from node.sim.chain.ops import LedgerOps, agent_key, name_key
from node.sim.chain.session import run_chain
from node.sim.layers import PluginEnv, Receipt
from node.sim.plugin_common.payments import (
    INITIAL_CREDITS,
    AgentWallet,
    PaymentError,
    check_payment,
)


def _reason(exc: ChainError, ref: str) -> str:
    if exc.name == "InsufficientCredits" and len(exc.args) == 3:
        return f"insufficient credits ({exc.args[1]} < {exc.args[2]})"
    if exc.name == "DuplicateRef":
        return f"duplicate payment ref {ref!r}"
    return f"refused by the ledger: {exc.name}"


class ChainLedger:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        initial = int(env.config.get("initial_credits", INITIAL_CREDITS))
        self._newcomers = Newcomers(lambda: self.ledger, initial)

    @cached_property
    def ledger(self) -> LedgerOps:
        return run_chain(self._env).credits

    def for_agent(self, agent_id: str) -> ChainWallet:
        self._newcomers.enlist(agent_id)
        return ChainWallet(self, agent_id)

    def balance(self, agent_id: str) -> int:
        self._newcomers.enlist(agent_id)
        self._newcomers.flush()
        return self.ledger.balance_of(agent_key(agent_id))

    def _pay(self, payer: str, payee: str, amount: int, ref: str) -> Receipt:
        check_payment(payer, payee, amount, ref)
        self._newcomers.enlist(payer)
        self._newcomers.enlist(payee)
        self._newcomers.flush()
        try:
            self.ledger.transfer(agent_key(payer), agent_key(payee), amount, name_key(ref))
        except ChainError as exc:
            raise PaymentError(_reason(exc, ref)) from None
        now = self._env.now()
        self._env.emit(payer, "pay", {"to": payee, "amount": amount, "ref": ref})
        return Receipt(ref, payer, payee, amount, now)


class ChainWallet(AgentWallet[ChainLedger]):
    __slots__ = ()
