"""Agent code recovery: the code travels only in the registerAgent calldata
(docs/protocol/contracts.md, "Recovering agent code"); any source is safe because the code is
checked against the registered keccak256 hash.

Sources, in order: the node's database (agents it runs or recovered before), the registration
transaction's input on a JSON-RPC chain, and a code book of known modules by hash (the memory
chain keeps no calldata, so an embedded verifier is given the modules it may meet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from adapters.base import ArenaAdapter
from adapters.events import ChainEvent
from node.trace import keccak256

REGISTER_AGENT = "registerAgent"


def code_book(codes: Iterable[bytes]) -> dict[bytes, bytes]:
    return {keccak256(code): code for code in codes}


def repository_book() -> dict[bytes, bytes]:
    """The code book of the repository's agent modules (scenarios/agents/): what a verifier on
    a chain that keeps no calldata (memory) is given."""
    from adapters.toolchain import PROJECT_ROOT
    from node.wasm import load_agent_file

    codes = []
    for path in sorted((PROJECT_ROOT / "scenarios" / "agents").rglob("*")):
        if path.suffix in (".wat", ".wasm"):
            try:
                codes.append(load_agent_file(path))
            except Exception:  # a module that does not even load is no agent of anyone's
                continue
    return code_book(codes)


def from_calldata(adapter: ArenaAdapter, event: ChainEvent) -> bytes | None:
    """The ``code`` argument of the transaction that emitted ``event`` (JSON-RPC chains)."""
    rpc = getattr(adapter, "rpc", None)
    if rpc is None:
        return None
    try:
        from eth_abi.abi import decode

        tx = rpc.call("eth_getTransactionByHash", "0x" + event.tx_hash.hex())
        data = bytes.fromhex(str(tx["input"])[2:])
        (code,) = decode(["bytes"], data[4:])
        return bytes(code)
    except Exception:  # any failure means: not recoverable this way
        return None


def recover(
    adapter: ArenaAdapter,
    code_hash: bytes,
    *,
    stored: bytes | None,
    event: ChainEvent | None,
    book: Mapping[bytes, bytes],
) -> bytes | None:
    """The agent's code whose keccak256 is ``code_hash``, or None."""
    candidates: list[bytes | None] = [stored]
    if event is not None:
        candidates.append(from_calldata(adapter, event))
    candidates.append(book.get(code_hash))
    for code in candidates:
        if code is not None and keccak256(code) == code_hash:
            return code
    return None
