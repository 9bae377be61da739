"""Web3Chain: the ChainAdapter over any EVM JSON-RPC endpoint (anvil first).

Generic plumbing only: chain facts, time control, contract calls and transactions with named
reverts, and the event stream. Arena operations are thin methods on top of ``call`` and
``transact`` (see docs/protocol/adapters.md, "Arena operations").
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from web3.exceptions import BadFunctionCallOutput, ContractLogicError, Web3RPCError

from adapters.errors import AbiEncodingError, AdapterError
from adapters.events import ChainEvent, EventBatch, EventCursor
from adapters.web3chain import wire
from adapters.web3chain.abi import ErrorTable
from adapters.web3chain.arena import ArenaMethods
from adapters.web3chain.contracts import BoundContract, Receipt, decode_logs, init_code, output
from adapters.web3chain.provider import connect, endpoint_of, provider_for
from adapters.web3chain.reader import EventReader
from adapters.web3chain.sender import PendingTx, TransactionSender, TxRequest

if TYPE_CHECKING:
    from web3 import Web3
    from web3.providers.base import BaseProvider
    from web3.providers.rpc.utils import ExceptionRetryConfiguration

    from adapters.keys import Signer


class Web3Chain(ArenaMethods):
    """One endpoint, one signing key (optional for read-only use), known contracts by name."""

    def __init__(
        self,
        url: str,
        signer: Signer | None = None,
        *,
        timeout: float = 10.0,
        retry: ExceptionRetryConfiguration | None = None,
        receipt_timeout: float = 60.0,
        provider: BaseProvider | None = None,
        w3: Web3 | None = None,
    ) -> None:
        """``url`` picks the provider (http(s)://, ws(s)://, IPC path); ``provider`` or a
        connected ``w3`` (shared by forks of this chain) replace it."""
        self.w3 = w3 or connect(provider or provider_for(url, timeout=timeout, retry=retry))
        self._url = url or endpoint_of(self.w3.provider)
        self.signer = signer
        self.receipt_timeout = receipt_timeout
        self.contracts: dict[str, BoundContract] = {}
        self._errors = ErrorTable()
        self._chain_id: int | None = None
        self._sender: TransactionSender | None = None
        self.reader = EventReader(self.w3)

    @property
    def url(self) -> str:
        return self._url

    # -- chain facts ------------------------------------------------------------------------

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            self._chain_id = int(self.w3.eth.chain_id)
        return self._chain_id

    def block_number(self) -> int:
        return int(self.w3.eth.block_number)

    def block_time(self) -> int:
        """Timestamp of the latest block (what ``block.timestamp`` saw last)."""
        return int(self.w3.eth.get_block("latest").get("timestamp", 0))

    def code_at(self, address: str) -> bytes:
        return bytes(self.w3.eth.get_code(to_checksum_address(address)))

    def balance(self, address: str) -> int:
        return int(self.w3.eth.get_balance(to_checksum_address(address)))

    def client_version(self) -> str:
        return str(self.w3.client_version)

    # -- time control (anvil / hardhat devnets) ---------------------------------------------

    def increase_time(self, seconds: int) -> None:
        """Move chain time forward and mine a block so the next call sees it."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._request("evm_increaseTime", seconds)
        self.mine()

    def set_next_block_timestamp(self, timestamp: int) -> None:
        self._request("evm_setNextBlockTimestamp", timestamp)

    def _request(self, method: str, *params: Any) -> Any:
        """A devnet method web3 has no wrapper for (evm_*), through the same provider."""
        return self.w3.manager.request_blocking(method, list(params))  # type: ignore[arg-type]

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self._request("evm_mine")

    def snapshot(self) -> str:
        return str(self._request("evm_snapshot"))

    def revert_to(self, snapshot_id: str) -> bool:
        """Back to a snapshot (consumed by the revert); event cursors past it raise ChainReorg."""
        reverted = bool(self._request("evm_revert", snapshot_id))
        if reverted and self._sender is not None:
            self._sender.resync()  # the nonces of the reverted blocks are free again
        return reverted

    # -- contracts --------------------------------------------------------------------------

    def bind(self, name: str, address: str, abi: list[dict[str, Any]]) -> BoundContract:
        """Register a deployed contract: its calls, errors and events become known."""
        contract = BoundContract(self.w3, name, address, abi)
        self.contracts[name] = contract
        self._errors = ErrorTable(c.abi for c in self.contracts.values())
        return contract

    def _fork(self, signer: Signer) -> Web3Chain:
        """Same endpoint and bound contracts, another signing key (Arena ``with_signer``); a
        subclass (node.testing's still-clock anvil) stays itself."""
        other = type(self)(self.url, signer, receipt_timeout=self.receipt_timeout, w3=self.w3)
        other.contracts = dict(self.contracts)
        other._errors = self._errors
        return other

    def contract(self, name: str) -> BoundContract:
        try:
            return self.contracts[name]
        except KeyError:
            raise AdapterError(f"contract {name!r} is not bound on {self.url}") from None

    @property
    def sender(self) -> TransactionSender:
        if self._sender is None:
            if self.signer is None:
                raise AdapterError("this Web3Chain has no signing key (read-only)")
            self._sender = TransactionSender(
                self.w3, self.signer, self.chain_id, receipt_timeout=self.receipt_timeout
            )
        return self._sender

    def call(self, contract: str, function: str, *args: Any, block: int | str = "latest") -> Any:
        """A view call; a revert raises the named ChainError. Arguments eth-abi takes as they
        are skip web3's ContractFunction (``calldata.py``); the rest go through it."""
        bound = self.contract(contract)
        encoder = bound.encoders.get(function)
        data = None if encoder is None else encoder.encode(args)
        sender = None if self.signer is None else self.signer.address
        try:
            if encoder is not None and data is not None:
                to = wire.call_object(sender, bound.address, data, 0)
                with contextlib.suppress(DecodingError):  # web3 below names what is wrong
                    return encoder.decode(wire.call(self.w3, to, block))
            fn = bound.function(function, args)
            params: dict[str, Any] = {} if sender is None else {"from": sender}
            return output(fn, fn.call(params, block_identifier=block))  # type: ignore[arg-type]
        except ContractLogicError as exc:
            raise self._errors.from_exception(exc) from None
        except Web3RPCError as exc:
            raise AdapterError(f"{self.url}: {function}: {exc.message}") from None
        except (BadFunctionCallOutput, DecodingError) as exc:
            reason = str(exc).splitlines()[0]
            raise AbiEncodingError(f"{function}: cannot decode the return data: {reason}") from None

    def transact(
        self, contract: str, function: str, *args: Any, value: int = 0, gas: int | None = None
    ) -> Receipt:
        """A state-changing call, executed once; a revert raises the named ChainError."""
        bound = self.contract(contract)
        data = bound.encode(function, args)
        return self.sender.transact(TxRequest(bound.address, data, value, gas), self._errors)

    def resume(self, pending: PendingTx) -> Receipt:
        """Finish a transaction reported as TransactionOutcomeUnknown (never executes twice)."""
        return self.sender.resume(pending, self._errors)

    def deploy_code(
        self, init_code: bytes, *, abi: list[dict[str, Any]] | None = None, value: int = 0
    ) -> Receipt:
        """Create a contract from ``init_code`` (a revert is named from ``abi``'s errors)."""
        errors = self._errors if abi is None else ErrorTable([abi])
        return self.sender.transact(TxRequest(None, init_code, value), errors)

    def init_code(self, artifact_abi: list[dict[str, Any]], bytecode: bytes, *args: Any) -> bytes:
        """Creation code with constructor ``args`` encoded by web3 (AbiEncodingError if unfit)."""
        return init_code(self.w3, artifact_abi, bytecode, args)

    # -- events -----------------------------------------------------------------------------

    def events_since(self, cursor: EventCursor, *, confirmations: int = 0) -> EventBatch:
        """Events of every bound contract from ``cursor`` on, and where to continue."""
        return self.reader.read(cursor, self._by_address(), confirmations=confirmations)

    def events_in(self, receipt: Receipt) -> list[ChainEvent]:
        """The bound contracts' events a transaction emitted."""
        return decode_logs(receipt.logs, self._by_address())

    def _by_address(self) -> dict[str, BoundContract]:
        return {c.address: c for c in self.contracts.values()}
