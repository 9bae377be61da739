"""Web3Chain: the ChainAdapter over any EVM JSON-RPC endpoint (anvil first).

Generic plumbing only: chain facts, time control, contract calls and transactions with named
reverts, and the event stream. Arena operations are thin methods on top of ``call`` and
``transact`` (see docs/protocol/adapters.md, "Arena operations").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eth_utils.address import to_checksum_address

from adapters.errors import AdapterError
from adapters.events import ChainEvent, EventBatch, EventCursor
from adapters.web3chain.abi import ContractAbi
from adapters.web3chain.arena import ArenaMethods
from adapters.web3chain.logs import Receipt
from adapters.web3chain.reader import EventReader, decode_logs
from adapters.web3chain.rpc import RetryPolicy, RpcClient, RpcError, from_hex, to_hex, to_int
from adapters.web3chain.sender import PendingTx, TransactionSender, TxRequest, _revert_of

if TYPE_CHECKING:
    from adapters.keys import Signer


@dataclass(frozen=True)
class BoundContract:
    name: str
    address: str
    abi: ContractAbi


class Web3Chain(ArenaMethods):
    """One endpoint, one signing key (optional for read-only use), known contracts by name."""

    def __init__(
        self,
        url: str,
        signer: Signer | None = None,
        *,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        receipt_timeout: float = 60.0,
        rpc: RpcClient | None = None,
    ) -> None:
        self.rpc = rpc or RpcClient(url, timeout=timeout, retry=retry)
        self.signer = signer
        self.receipt_timeout = receipt_timeout
        self.contracts: dict[str, BoundContract] = {}
        self._errors = ContractAbi([])
        self._chain_id: int | None = None
        self._sender: TransactionSender | None = None
        self.reader = EventReader(self.rpc)

    @property
    def url(self) -> str:
        return self.rpc.url

    # -- chain facts ------------------------------------------------------------------------

    @property
    def chain_id(self) -> int:
        if self._chain_id is None:
            self._chain_id = to_int(self.rpc.call("eth_chainId"))
        return self._chain_id

    def block_number(self) -> int:
        return to_int(self.rpc.call("eth_blockNumber"))

    def block_time(self) -> int:
        """Timestamp of the latest block (what ``block.timestamp`` saw last)."""
        return to_int(self.rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"])

    def code_at(self, address: str) -> bytes:
        return from_hex(self.rpc.call("eth_getCode", to_checksum_address(address), "latest"))

    def balance(self, address: str) -> int:
        return to_int(self.rpc.call("eth_getBalance", to_checksum_address(address), "latest"))

    def client_version(self) -> str:
        return str(self.rpc.call("web3_clientVersion"))

    # -- time control (anvil / hardhat devnets) ---------------------------------------------

    def increase_time(self, seconds: int) -> None:
        """Move chain time forward and mine a block so the next call sees it."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self.rpc.call("evm_increaseTime", seconds)
        self.mine()

    def set_next_block_timestamp(self, timestamp: int) -> None:
        self.rpc.call("evm_setNextBlockTimestamp", timestamp)

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.rpc.call("evm_mine")

    def snapshot(self) -> str:
        return str(self.rpc.call("evm_snapshot"))

    def revert_to(self, snapshot_id: str) -> bool:
        """Back to a snapshot (consumed by the revert); event cursors past it raise ChainReorg."""
        reverted = bool(self.rpc.call("evm_revert", snapshot_id))
        if reverted and self._sender is not None:
            self._sender.resync()  # the nonces of the reverted blocks are free again
        return reverted

    # -- contracts --------------------------------------------------------------------------

    def bind(
        self, name: str, address: str, abi: list[dict[str, Any]] | ContractAbi
    ) -> BoundContract:
        """Register a deployed contract: its calls, errors and events become known."""
        parsed = abi if isinstance(abi, ContractAbi) else ContractAbi(abi)
        contract = BoundContract(name, to_checksum_address(address), parsed)
        self.contracts[name] = contract
        self._errors = ContractAbi(
            [i for c in self.contracts.values() for i in c.abi.abi if i.get("type") == "error"]
        )
        return contract

    def _fork(self, signer: Signer) -> Web3Chain:
        """Same endpoint and bound contracts, another signing key (Arena ``with_signer``); a
        subclass (node.testing's still-clock anvil) stays itself."""
        other = type(self)(self.url, signer, receipt_timeout=self.receipt_timeout, rpc=self.rpc)
        for bound in self.contracts.values():
            other.bind(bound.name, bound.address, bound.abi)
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
                self.rpc, self.signer, self.chain_id, receipt_timeout=self.receipt_timeout
            )
        return self._sender

    def call(self, contract: str, function: str, *args: Any, block: int | str = "latest") -> Any:
        """A view call; a revert raises the named ChainError."""
        bound = self.contract(contract)
        request: dict[str, Any] = {
            "to": bound.address,
            "data": to_hex(bound.abi.encode_call(function, args)),
        }
        if self.signer is not None:
            request["from"] = self.signer.address
        tag = block if isinstance(block, str) else to_hex(block)
        try:
            result = self.rpc.call("eth_call", request, tag)
        except RpcError as exc:
            revert = _revert_of(exc, self._errors)
            if revert is None:
                raise AdapterError(f"{self.url}: {exc}") from None
            raise revert from None
        return bound.abi.decode_output(function, from_hex(result))

    def transact(
        self, contract: str, function: str, *args: Any, value: int = 0, gas: int | None = None
    ) -> Receipt:
        """A state-changing call, executed once; a revert raises the named ChainError."""
        bound = self.contract(contract)
        data = bound.abi.encode_call(function, args)
        return self.sender.transact(TxRequest(bound.address, data, value, gas), self._errors)

    def resume(self, pending: PendingTx) -> Receipt:
        """Finish a transaction reported as TransactionOutcomeUnknown (never executes twice)."""
        return self.sender.resume(pending, self._errors)

    def deploy_code(
        self, init_code: bytes, *, abi: ContractAbi | None = None, value: int = 0
    ) -> Receipt:
        return self.sender.transact(TxRequest(None, init_code, value), abi or self._errors)

    # -- events -----------------------------------------------------------------------------

    def _abis(self) -> dict[str, ContractAbi]:
        return {c.address: c.abi for c in self.contracts.values()}

    def events_since(self, cursor: EventCursor, *, confirmations: int = 0) -> EventBatch:
        """Events of every bound contract from ``cursor`` on, and where to continue."""
        return self.reader.read(cursor, self._abis(), confirmations=confirmations)

    def events_in(self, receipt: Receipt) -> list[ChainEvent]:
        """The bound contracts' events a transaction emitted."""
        return decode_logs(receipt.logs, self._abis())
