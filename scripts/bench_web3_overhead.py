"""What web3.py adds per JSON-RPC request: the same calls as bare ``requests`` posts, through
``w3.eth`` (web3's Method formatters), and the way the adapter's sender makes them
(adapters/web3chain/wire.py: request_blocking, no formatters), on one anvil
(docs/benchmarks/chain.md, "Web3Chain on web3.py").

    .venv/bin/python scripts/bench_web3_overhead.py [--calls N] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import requests
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes

from adapters.anvil import Anvil
from adapters.keys import anvil_account
from adapters.web3chain import TxRequest, Web3Chain, wire


def per_call_ms(call: Callable[[], Any], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description="web3.py's client time per request on anvil")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with Anvil() as node:
        chain = Web3Chain(node.url, anvil_account(0))
        me, to = chain.sender.address, to_checksum_address(anvil_account(1).address)
        receipt = chain.sender.transact(TxRequest(to, b"", 1, 21_000))
        session = requests.Session()

        def bare(method: str, *params: Any) -> Any:
            body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
            return session.post(node.url, json=body, timeout=10).json()["result"]

        tx_hash = HexBytes(receipt.tx_hash)
        estimate = {"from": to_checksum_address(me), "to": to, "value": 1}
        call = wire.call_object(to_checksum_address(me), to, b"", 1)
        ways: dict[str, tuple[Callable[[], Any], Callable[[], Any], Callable[[], Any]]] = {
            "eth_blockNumber": (
                lambda: bare("eth_blockNumber"),
                lambda: chain.w3.eth.block_number,
                lambda: chain.w3.manager.request_blocking("eth_blockNumber", []),  # type: ignore[arg-type]
            ),
            "eth_getTransactionReceipt": (
                lambda: bare("eth_getTransactionReceipt", "0x" + receipt.tx_hash.hex()),
                lambda: chain.w3.eth.get_transaction_receipt(tx_hash),
                lambda: wire.transaction_receipt(chain.w3, receipt.tx_hash),
            ),
            "eth_estimateGas": (
                lambda: bare("eth_estimateGas", {**estimate, "value": "0x1"}, "pending"),
                lambda: chain.w3.eth.estimate_gas(estimate, "pending"),  # type: ignore[arg-type]
                lambda: wire.estimate_gas(chain.w3, call),
            ),
        }
        figures = {
            method: {
                "requests_ms": round(per_call_ms(raw, args.calls), 3),
                "web3_ms": round(per_call_ms(web3, args.calls), 3),
                "adapter_ms": round(per_call_ms(adapter, args.calls), 3),
            }
            for method, (raw, web3, adapter) in ways.items()
        }
        session.close()
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for method, row in figures.items():
        print(
            f"{method:28} requests {row['requests_ms']:.2f} ms   w3.eth {row['web3_ms']:.2f} ms"
            f"   adapter {row['adapter_ms']:.2f} ms"
        )


if __name__ == "__main__":
    main()
