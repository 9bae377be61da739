"""The transaction path's three requests (estimate, send, receipt) and view calls without web3's per-call
parameter and result formatters: ``w3.manager.request_blocking`` with the parameters already
in JSON-RPC form, through the same provider, middleware and retry configuration, and web3's
own error formatters, so a revert is the same ContractLogicError as from ``w3.eth``.

web3's Method layer walks every parameter and result through generic ABI formatters: about
1.5-2.5 ms of CPU per request on this machine, more than anvil takes to answer it
(docs/benchmarks/chain.md). Reads off the hot path keep using ``w3.eth``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from web3._utils.error_formatters_utils import (
    raise_contract_logic_error_on_revert,
    raise_transaction_indexing_error_if_indexing,
)
from web3.types import RPCEndpoint

if TYPE_CHECKING:
    from web3 import Web3

CALL = RPCEndpoint("eth_call")
ESTIMATE_GAS = RPCEndpoint("eth_estimateGas")
SEND_RAW = RPCEndpoint("eth_sendRawTransaction")
RECEIPT = RPCEndpoint("eth_getTransactionReceipt")


def call_object(sender: str | None, to: str | None, data: bytes, value: int) -> dict[str, str]:
    """A call as JSON-RPC takes it: hex quantities and data, ``to`` left out for a create."""
    call = {"data": "0x" + data.hex()}
    if sender is not None:
        call["from"] = sender
    if to is not None:
        call["to"] = to
    if value:
        call["value"] = hex(value)
    return call


def estimate_gas(w3: Web3, call: dict[str, str], block: str = "pending") -> int:
    """eth_estimateGas; a revert raises web3's ContractLogicError (with its data)."""
    result = w3.manager.request_blocking(
        ESTIMATE_GAS, [call, block], error_formatters=raise_contract_logic_error_on_revert
    )
    return int(result, 16)


def call(w3: Web3, call: dict[str, str], block: int | str = "latest") -> bytes:
    """eth_call's return data; a revert raises web3's ContractLogicError (with its data)."""
    tag = hex(block) if isinstance(block, int) else block
    result = w3.manager.request_blocking(
        CALL, [call, tag], error_formatters=raise_contract_logic_error_on_revert
    )
    return bytes.fromhex(str(result)[2:])


def send_raw_transaction(w3: Web3, raw: bytes) -> None:
    """eth_sendRawTransaction; a refusal raises Web3RPCError with the node's message."""
    w3.manager.request_blocking(SEND_RAW, ["0x" + raw.hex()])


def transaction_receipt(w3: Web3, tx_hash: bytes) -> dict[str, Any] | None:
    """The receipt as the node sent it (hex strings), None while not mined."""
    result = w3.manager.request_blocking(
        RECEIPT,
        ["0x" + tx_hash.hex()],
        error_formatters=raise_transaction_indexing_error_if_indexing,
    )
    return cast("dict[str, Any] | None", result)
