"""The Web3 chain adapter: JSON-RPC transport, ABI tables, sender, event reader."""

from adapters.web3chain.abi import ContractAbi
from adapters.web3chain.chain import BoundContract, Web3Chain
from adapters.web3chain.logs import RawLog, Receipt
from adapters.web3chain.rpc import RetryPolicy, RpcClient, RpcError
from adapters.web3chain.sender import PendingTx, TransactionSender, TxRequest

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
]
