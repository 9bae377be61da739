"""The Web3 chain adapter: JSON-RPC transport, ABI tables, sender, event reader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.errors import AdapterError
from adapters.web3chain.abi import ContractAbi
from adapters.web3chain.chain import BoundContract, Web3Chain
from adapters.web3chain.logs import RawLog, Receipt
from adapters.web3chain.rpc import RetryPolicy, RpcClient, RpcError
from adapters.web3chain.sender import PendingTx, TransactionSender, TxRequest

if TYPE_CHECKING:
    from adapters.keys import Signer


def connect(url: str | None = None, *, signer: Signer | None = None) -> Web3Chain:
    """The ``web3`` entry point of ``nets.chain_adapters``: an endpoint URL is required."""
    if not url:
        raise AdapterError("the web3 chain adapter needs an RPC URL (e.g. http://127.0.0.1:8545)")
    return Web3Chain(url, signer)


__all__ = [
    "BoundContract",
    "ContractAbi",
    "PendingTx",
    "RawLog",
    "Receipt",
    "RetryPolicy",
    "RpcClient",
    "RpcError",
    "TransactionSender",
    "TxRequest",
    "Web3Chain",
    "connect",
]
