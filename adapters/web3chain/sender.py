"""Transaction sender: estimate, sign locally, send, wait; nonces safe across threads.

Invariants (docs/protocol/adapters.md, "Transactions"):
- Nonces come from a local counter; taking a nonce, signing and broadcasting happen under one
  lock, so nonces reach the endpoint in order and a refused broadcast leaves no gap.
- A broadcast that fails at the transport level is repeated with the same signed bytes only
  (same hash, same nonce: it cannot execute twice).
- A transaction whose nonce the chain counts as used is judged from chain facts (``_fate``):
  our hash known means it landed; another of our transactions found in the blocks with that
  nonce means it can never execute (VOID), and only then is the call re-signed. Neither
  found means the chain lost the history of that nonce (anvil restored from a ``--state``
  dump written while a block was being mined: the state counts the transaction, no block
  holds it): it may have executed, so it is UNDECIDED and never re-signed.
- Until then it is kept in flight and rebroadcast (same bytes) on resync, in nonce order.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from hexbytes import HexBytes
from web3.exceptions import ContractLogicError, TransactionNotFound, Web3RPCError

from adapters.errors import (
    ChainError,
    ChainUnavailable,
    TransactionFailed,
    TransactionOutcomeUnknown,
)
from adapters.web3chain import wire
from adapters.web3chain.abi import ErrorTable
from adapters.web3chain.contracts import Receipt
from adapters.web3chain.provider import endpoint_of

if TYPE_CHECKING:
    from web3 import Web3

    from adapters.keys import Signer

GAS_MARGIN = 1.25
FEE_TTL = 1.0
STUCK_CHECK_AFTER = 0.25  # seconds without a receipt before looking for a used nonce or a gap
STUCK_CHECK_EVERY = 1.0
MAX_RESIGN = 5  # a call whose nonce is taken this often in a row gives up
HOLDER_SCAN = 256  # blocks searched back from the head for the transaction that used a nonce


@dataclass(frozen=True)
class TxRequest:
    """What to execute; the sender adds nonce, gas, fees and the signature."""

    to: str | None
    data: bytes
    value: int = 0
    gas: int | None = None


class Fate(Enum):
    """What the chain says about a signed transaction that has no receipt (yet)."""

    OPEN = "open"  # its nonce is free: the same bytes can still be mined
    LANDED = "landed"  # the chain holds it
    VOID = "void"  # another transaction used its nonce, or the endpoint refused its bytes
    UNDECIDED = "undecided"  # its nonce is used but no block holds a transaction with it


@dataclass
class PendingTx:
    """A signed transaction handed to the endpoint and not yet seen in a receipt."""

    request: TxRequest
    nonce: int
    gas: int
    raw: bytes = field(repr=False)
    tx_hash: bytes
    fate: Fate = Fate.OPEN


class TransactionOutcomeUndecided(TransactionOutcomeUnknown):
    """The chain counts the transaction's nonce as used, yet neither it nor any other
    transaction with that nonce is in the chain's blocks: its history was lost (a devnet
    restored from a state dump). It may have executed; resuming cannot tell, and re-signing
    could execute it twice, so the caller decides from the call's effect on the chain."""


class NonceConsumed(Exception):
    """The nonce was taken by a transaction that is not ours."""


class TransactionSender:
    """Sends transactions from one key through web3; share one instance between threads.

    web3 signs and sends, but keeps no nonces across calls and re-signs on retry; this layer
    holds the nonce counter and the signed bytes of every transaction in flight.
    """

    def __init__(
        self,
        w3: Web3,
        signer: Signer,
        chain_id: int,
        *,
        receipt_timeout: float = 60.0,
        gas_margin: float = GAS_MARGIN,
    ) -> None:
        self.w3 = w3
        self.url = endpoint_of(w3.provider)
        self.signer = signer
        self.chain_id = chain_id
        self.receipt_timeout = receipt_timeout
        self.gas_margin = gas_margin
        self._lock = threading.Lock()
        self._next: int | None = None
        self._inflight: dict[int, PendingTx] = {}
        self._fees: tuple[float, dict[str, int]] | None = None

    @property
    def address(self) -> str:
        return self.signer.address

    # -- public API -------------------------------------------------------------------------

    def transact(self, request: TxRequest, errors: ErrorTable | None = None) -> Receipt:
        """Execute ``request`` once and return its successful receipt.

        Raises ChainError (named) on revert, ChainUnavailable when the endpoint is down
        before anything was signed, TransactionOutcomeUnknown when it went down after.
        """
        gas = request.gas or self.estimate_gas(request, errors)
        for _ in range(MAX_RESIGN):
            pending = self._sign_and_broadcast(request, gas)
            receipt = self._wait(pending)
            if receipt is not None:
                return self._check(receipt, pending, errors)
        raise TransactionFailed(f"{self.url}: nonce kept being taken by other transactions")

    def resume(self, pending: PendingTx, errors: ErrorTable | None = None) -> Receipt:
        """Finish a transaction whose outcome was unknown, never executing it twice.

        Raises TransactionOutcomeUndecided when the chain lost the history of its nonce.
        """
        if pending.fate is Fate.OPEN:
            receipt = self._receipt(pending)
            if receipt is not None:
                self._forget(pending)
                return self._check(receipt, pending, errors)
            with self._lock:
                if self._inflight.setdefault(pending.nonce, pending) is pending:
                    # settles it with everything else in flight: our own lost transactions
                    # below it are rebroadcast first, in nonce order, so no gap is left
                    self._resync()
                else:  # its nonce was handed to another of our transactions: it is void
                    pending.fate = Fate.VOID
        if pending.fate is Fate.UNDECIDED:
            raise self._undecided(pending)
        receipt = None if pending.fate is Fate.VOID else self._wait(pending)
        if receipt is None:
            return self.transact(pending.request, errors)
        return self._check(receipt, pending, errors)

    def estimate_gas(self, request: TxRequest, errors: ErrorTable | None = None) -> int:
        try:
            # "pending", as the node would choose: the block the transaction lands in
            estimate = wire.estimate_gas(self.w3, self._wire_call(request), "pending")
        except ContractLogicError as exc:
            raise (errors or ErrorTable()).from_exception(exc) from None
        except Web3RPCError as exc:
            raise TransactionFailed(f"{self.url}: eth_estimateGas: {_message(exc)}") from None
        return int(estimate * self.gas_margin)

    def resync(self) -> None:
        """Reload the nonce from the chain (and settle transactions in flight)."""
        with self._lock:
            self._resync()

    # -- nonce handling (callers hold self._lock) -------------------------------------------

    def _sign_and_broadcast(self, request: TxRequest, gas: int) -> PendingTx:
        with self._lock:
            for _ in range(MAX_RESIGN):
                if self._next is None:
                    self._resync()
                nonce = self._take_nonce()
                raw, tx_hash = self.signer.sign_transaction(self._tx_dict(request, gas, nonce))
                pending = PendingTx(request, nonce, gas, raw, tx_hash)
                self._inflight[nonce] = pending
                try:
                    self._broadcast(pending)
                    return pending
                except NonceConsumed:
                    self._inflight.pop(nonce, None)
                    self._next = None
                except TransactionOutcomeUndecided:
                    self._inflight.pop(nonce, None)
                    self._next = None
                    raise
                except TransactionOutcomeUnknown:
                    self._next = None  # resync on the next send; the tx stays in flight
                    raise
                except BaseException:
                    self._inflight.pop(nonce, None)
                    self._next = None
                    raise
        raise TransactionFailed(f"{self.url}: nonce kept being taken by other transactions")

    def _take_nonce(self) -> int:
        assert self._next is not None
        nonce = self._next
        while nonce in self._inflight:
            nonce += 1
        self._next = nonce + 1
        return nonce

    def _resync(self) -> None:
        """Settle what is in flight against the chain, then restart the counter from it."""
        try:
            mined = self._count("latest")
            for nonce in sorted(self._inflight):
                pending = self._inflight[nonce]
                if nonce < mined:
                    pending.fate = self._fate(pending, mined)
                    del self._inflight[nonce]
                else:
                    self._rebroadcast(pending)
            self._next = self._count("pending")
        except ChainUnavailable as exc:
            self._next = None
            raise ChainUnavailable(str(exc).split("; transaction")[0]) from None

    def _rebroadcast(self, pending: PendingTx) -> None:
        """Hand the same bytes over again. One the endpoint refuses is in none of its pools
        (single-endpoint assumption, true on anvil): it is void and its caller re-signs,
        unless the refusal is for a nonce whose history was lost (undecided)."""
        try:
            self._broadcast(pending)
        except (NonceConsumed, TransactionFailed):
            pending.fate = Fate.VOID
            self._inflight.pop(pending.nonce, None)
        except TransactionOutcomeUndecided:
            self._inflight.pop(pending.nonce, None)

    def _broadcast(self, pending: PendingTx) -> None:
        """One send; the provider repeats it with the same bytes on transport failures."""
        try:
            wire.send_raw_transaction(self.w3, pending.raw)
        except ChainUnavailable as exc:
            raise self._unknown(pending, str(exc)) from None
        except Web3RPCError as exc:
            text = _message(exc).lower()
            if "already known" in text or "known transaction" in text:
                return
            if "nonce too low" in text or "replacement" in text:
                try:
                    fate = self._fate(pending)
                except ChainUnavailable as down:
                    raise self._unknown(pending, str(down)) from None
                if fate is Fate.LANDED:
                    return
                if fate is Fate.UNDECIDED:
                    pending.fate = fate
                    raise self._undecided(pending) from None
                # VOID, or OPEN: another transaction holds the nonce in the pool (ours
                # would be "already known"), so these bytes are in no pool and never mined
                raise NonceConsumed from None
            raise TransactionFailed(f"{self.url}: transaction refused: {_message(exc)}") from None

    def _unknown(self, pending: PendingTx, reason: str) -> TransactionOutcomeUnknown:
        return TransactionOutcomeUnknown(
            f"{reason}; transaction 0x{pending.tx_hash.hex()} (nonce {pending.nonce}) "
            "may or may not be accepted: resume it once the endpoint is back",
            pending,
        )

    def _undecided(self, pending: PendingTx) -> TransactionOutcomeUndecided:
        return TransactionOutcomeUndecided(
            f"{self.url}: nonce {pending.nonce} of {self.address} is used, but no block holds "
            f"a transaction with it (history lost, e.g. a devnet restored from a state dump): "
            f"transaction 0x{pending.tx_hash.hex()} may have executed; check its effect "
            "before sending it again",
            pending,
        )

    # -- waiting ----------------------------------------------------------------------------

    def _wait(self, pending: PendingTx) -> Receipt | None:
        """The receipt, or None when the transaction can never be mined (nonce taken)."""
        deadline = time.monotonic() + self.receipt_timeout
        delay = 0.002
        next_check = time.monotonic() + STUCK_CHECK_AFTER
        while True:
            if pending.fate is Fate.VOID:
                return None
            if pending.fate is Fate.UNDECIDED:
                raise self._undecided(pending)
            try:
                receipt = self._receipt(pending)
                if receipt is not None:
                    self._forget(pending)
                    return receipt
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + STUCK_CHECK_EVERY
                    with self._lock:
                        self._unstick(pending)
                    continue  # its fate may have changed
            except ChainUnavailable as exc:
                with self._lock:
                    self._next = None
                raise self._unknown(pending, str(exc)) from None
            if time.monotonic() > deadline:
                raise self._unknown(
                    pending, f"{self.url}: not mined within {self.receipt_timeout:g}s"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def _unstick(self, pending: PendingTx) -> None:
        """A transaction that is not being mined: its nonce used (judged by _fate) or behind a gap.

        A gap below it (the endpoint lost our earlier transactions, e.g. a devnet restarted
        without state) is closed with the same bytes where we still hold them in flight, and
        filled with zero-value transfers to ourselves where we do not, so the transaction
        itself executes: nothing is re-signed, so nothing can execute twice.
        """
        mined = self._count("latest")
        if mined > pending.nonce:
            fate = self._fate(pending, mined)
            if fate is not Fate.LANDED:
                pending.fate = fate
                self._inflight.pop(pending.nonce, None)
            return
        start = self._count("pending")
        for nonce in range(start, pending.nonce):
            held = self._inflight.get(nonce)
            if held is not None:
                self._rebroadcast(held)
                continue
            filler = TxRequest(self.address, b"", 0, 21_000)
            raw, tx_hash = self.signer.sign_transaction(self._tx_dict(filler, 21_000, nonce))
            with contextlib.suppress(NonceConsumed):
                self._broadcast(PendingTx(filler, nonce, 21_000, raw, tx_hash))
        if self._next is not None:
            self._next = max(self._next, pending.nonce + 1)

    def _forget(self, pending: PendingTx) -> None:
        with self._lock:
            if self._inflight.get(pending.nonce) is pending:
                del self._inflight[pending.nonce]

    def _check(self, receipt: Receipt, pending: PendingTx, errors: ErrorTable | None) -> Receipt:
        if receipt.status:
            return receipt
        raise self._replay_revert(receipt, pending, errors)

    def _replay_revert(
        self, receipt: Receipt, pending: PendingTx, errors: ErrorTable | None
    ) -> ChainError:
        """Receipts carry no revert data: re-run the call on the parent block's state.

        Exact when the transaction was alone in its block (anvil automine); otherwise the
        name may differ and the caller still learns that the transaction reverted.
        """
        call = {**self._call_object(pending.request), "gas": pending.gas}
        try:
            self.w3.eth.call(call, max(receipt.block_number - 1, 0))  # type: ignore[arg-type]
        except ContractLogicError as exc:
            revert = (errors or ErrorTable()).from_exception(exc)
            return ChainError(revert.name, revert.args, data=revert.data, tx_hash=receipt.tx_hash)
        except Web3RPCError:
            pass
        return ChainError("Revert", (), tx_hash=receipt.tx_hash)

    # -- web3 helpers -----------------------------------------------------------------------

    def _receipt(self, pending: PendingTx) -> Receipt | None:
        receipt = wire.transaction_receipt(self.w3, pending.tx_hash)
        return None if receipt is None else Receipt.of(receipt)

    def _known(self, pending: PendingTx) -> bool:
        try:
            self.w3.eth.get_transaction(HexBytes(pending.tx_hash))
        except TransactionNotFound:
            return False
        return True

    def _fate(self, pending: PendingTx, mined: int | None = None) -> Fate:
        """Chain facts on a transaction without a receipt: its nonce against the mined count,
        its hash, and which transaction of ours the blocks hold with that nonce."""
        if mined is None:
            mined = self._count("latest")
        if pending.nonce >= mined:
            return Fate.OPEN
        if self._known(pending):
            return Fate.LANDED
        holder = self._holder(pending.nonce)
        if holder is None:
            return Fate.UNDECIDED
        return Fate.LANDED if holder == pending.tx_hash else Fate.VOID

    def _holder(self, nonce: int) -> bytes | None:
        """The hash of our transaction with ``nonce`` in the blocks, searched back from the
        head; None once a block shows one of our lower nonces (ours would be later) or after
        HOLDER_SCAN blocks: the chain has no record of what used the nonce."""
        me = self.address.lower()
        head = self.w3.eth.block_number
        for number in range(head, max(head - HOLDER_SCAN, -1), -1):
            lower = False
            block = self.w3.eth.get_block(number, full_transactions=True)
            for tx in block.get("transactions", []):
                if isinstance(tx, bytes) or str(tx.get("from", "")).lower() != me:
                    continue
                if tx.get("nonce") == nonce:
                    return bytes(tx.get("hash", b""))
                lower = lower or tx.get("nonce", nonce) < nonce
            if lower:
                return None
        return None

    def _count(self, tag: str) -> int:
        return self.w3.eth.get_transaction_count(self.address, tag)  # type: ignore[arg-type]

    def _call_object(self, request: TxRequest) -> dict[str, Any]:
        call: dict[str, Any] = {"from": self.address, "data": request.data}
        if request.to is not None:
            call["to"] = request.to
        if request.value:
            call["value"] = request.value
        return call

    def _wire_call(self, request: TxRequest) -> dict[str, str]:
        return wire.call_object(self.address, request.to, request.data, request.value)

    def _tx_dict(self, request: TxRequest, gas: int, nonce: int) -> dict[str, Any]:
        tx: dict[str, Any] = {
            "chainId": self.chain_id,
            "nonce": nonce,
            "gas": gas,
            "value": request.value,
            "data": request.data,
            **self._fee_fields(),
        }
        if request.to is not None:
            tx["to"] = request.to
        return tx

    def _fee_fields(self) -> dict[str, int]:
        """EIP-1559 fees (2 x base fee + tip), cached for FEE_TTL seconds."""
        now = time.monotonic()
        if self._fees is not None and now - self._fees[0] < FEE_TTL:
            return self._fees[1]
        base = self.w3.eth.get_block("latest").get("baseFeePerGas")
        if base is None:
            fees = {"gasPrice": int(self.w3.eth.gas_price)}
        else:
            try:
                tip = int(self.w3.eth.max_priority_fee)
            except Web3RPCError:
                tip = 10**9
            fees = {"maxFeePerGas": 2 * int(base) + tip, "maxPriorityFeePerGas": tip}
        self._fees = (now, fees)
        return fees


def _message(exc: Web3RPCError) -> str:
    """The node's own error message (web3 keeps the whole response beside it)."""
    response = exc.rpc_response or {}
    error = response.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return str(exc.message)
