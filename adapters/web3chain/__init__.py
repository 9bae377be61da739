"""The Web3 chain adapter on web3.py: its providers, contract objects and event processing,
with a thin sender (nonces, idempotent rebroadcast) on top."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.errors import AbiEncodingError, AdapterError
from adapters.web3chain.abi import ErrorTable
from adapters.web3chain.chain import Web3Chain
from adapters.web3chain.contracts import BoundContract, Receipt
from adapters.web3chain.provider import provider_for, retry_configuration
from adapters.web3chain.sender import (
    PendingTx,
    TransactionOutcomeUndecided,
    TransactionSender,
    TxRequest,
)

if TYPE_CHECKING:
    from adapters.keys import Signer


def connect(url: str | None = None, *, signer: Signer | None = None) -> Web3Chain:
    """The ``web3`` entry point of ``nets.chain_adapters``: an endpoint URL is required."""
    if not url:
        raise AdapterError("the web3 chain adapter needs an RPC URL (e.g. http://127.0.0.1:8545)")
    return Web3Chain(url, signer)


__all__ = [
    "AbiEncodingError",
    "BoundContract",
    "ErrorTable",
    "PendingTx",
    "Receipt",
    "TransactionOutcomeUndecided",
    "TransactionSender",
    "TxRequest",
    "Web3Chain",
    "connect",
    "provider_for",
    "retry_configuration",
]
